using Vse.Build;
using Vse.Build.Bases;
using Vse.Build.Exports;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Steps;
using Vse.State;
using Vse.State.Configurations;
using Vse.State.Deployments;
using Vse.Deploy;

namespace Vse.Cli.Output;

/// <summary>
/// Turns an exception that reached the command line into one line and an exit code: what the
/// user can fix (a bad description, an unknown configuration, a hostile path) is invalid input
/// (2); everything else is a runtime or infrastructure failure (4), including a driver that
/// cannot do what was asked here (<c>DriverCapabilityMissingException</c>: checkpoint without a
/// working CRIU) and a checkpoint CRIU could not make.
/// </summary>
internal static class Failures
{
    public static int ExitCodeFor(Exception exception) => Innermost(exception) switch
    {
        BuildInputException or UnsupportedBaseException or UnsafePathException or SymlinkLoopException or InvalidExportTargetException => ExitCodes.InvalidInput,
        ConfigurationNotFoundException or AmbiguousReferenceException or ConfigurationInUseException or InvalidDataException => ExitCodes.InvalidInput,
        DeploymentNotFoundException or InstanceNotFoundException or DeploymentNotRunningException or UsageException => ExitCodes.InvalidInput,
        CheckpointNotFoundException => ExitCodes.InvalidInput,
        _ => ExitCodes.InfrastructureFailure,
    };

    // A step failure wraps its cause; the cause decides whose fault it is.
    private static Exception Innermost(Exception exception) =>
        exception is StepFailedException { InnerException: { } inner } ? Innermost(inner) : exception;
}
