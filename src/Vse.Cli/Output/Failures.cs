using Vse.Build.Steps;
using Vse.Host;

namespace Vse.Cli.Output;

/// <summary>
/// Turns an exception that reached the command line into one line and an exit code: what the
/// user can fix (a bad description, an unknown configuration, a hostile path: every exception
/// marked <see cref="IInputError"/>) is invalid input (2); everything else is a runtime or
/// infrastructure failure (4), including a driver that cannot do what was asked here
/// (<c>DriverCapabilityMissingException</c>: checkpoint without a working CRIU) and a checkpoint
/// CRIU could not make.
/// </summary>
internal static class Failures
{
    public static int ExitCodeFor(Exception exception) => Innermost(exception) switch
    {
        IInputError => ExitCodes.InvalidInput,
        // A configuration's stored description that no longer reads: the user's state, not the host.
        InvalidDataException => ExitCodes.InvalidInput,
        _ => ExitCodes.InfrastructureFailure,
    };

    // A step failure wraps its cause; the cause decides whose fault it is.
    private static Exception Innermost(Exception exception) =>
        exception is StepFailedException { InnerException: { } inner } ? Innermost(inner) : exception;
}
