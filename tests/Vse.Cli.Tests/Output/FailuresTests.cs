using Vse.Build;
using Vse.Build.FileSystem;
using Vse.Build.Steps;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Host;
using Vse.State.Deployments;

namespace Vse.Cli.Tests.Output;

public sealed class FailuresTests
{
    public static TheoryData<Exception> InputErrors => new()
    {
        new BuildInputException("no run"),
        new UnsafePathException("../../etc", "climbs above the image root"),
        new DeploymentNotFoundException("abc"),
        new DeploymentNotRunningException("stopped"),
        new UsageException("--instances must be at least 1"),
        new InvalidDataException("damaged description.json"),
    };

    [Theory]
    [MemberData(nameof(InputErrors))]
    public void What_the_user_can_fix_is_invalid_input(Exception error) =>
        Assert.Equal(ExitCodes.InvalidInput, Failures.ExitCodeFor(error));

    [Fact]
    public void Everything_else_is_an_infrastructure_failure() =>
        Assert.Equal(ExitCodes.InfrastructureFailure, Failures.ExitCodeFor(new IOException("disk full")));

    [Fact]
    public void A_failed_step_is_judged_by_its_cause()
    {
        Assert.Equal(ExitCodes.InvalidInput, Failures.ExitCodeFor(new StepFailedException("copy", new UnsafePathException("/x/../../y", "climbs"))));
        Assert.Equal(ExitCodes.InfrastructureFailure, Failures.ExitCodeFor(new StepFailedException("apt", new IOException("network"))));
    }

    [Fact]
    public void Every_vse_exception_that_claims_to_be_the_users_fault_is_marked_so()
    {
        // The CLI lists no types: a new input error needs only the marker.
        var marked = typeof(BuildInputException).Assembly.GetTypes()
            .Concat(typeof(DeploymentNotFoundException).Assembly.GetTypes())
            .Concat(typeof(DeploymentNotRunningException).Assembly.GetTypes())
            .Where(t => typeof(IInputError).IsAssignableFrom(t))
            .Select(t => t.Name)
            .ToHashSet();
        Assert.Superset(
            new HashSet<string> { "BuildInputException", "UnsupportedBaseException", "UnsafePathException", "SymlinkLoopException", "InvalidExportTargetException",
                "ConfigurationNotFoundException", "AmbiguousReferenceException", "ConfigurationInUseException", "DeploymentNotFoundException",
                "InstanceNotFoundException", "DeploymentNotRunningException", "CheckpointNotFoundException" },
            marked);
    }
}
