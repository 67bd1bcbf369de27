using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Runtime.Drivers;

namespace Vse.Deploy;

/// <summary>
/// Where <c>deploy.writes: memory</c> cannot hold, and so is refused rather than ignored: a VM
/// writes its root file system's changes to a disk of its own, not to a state directory vse could
/// put in memory; and only root can mount the deployment's tmpfs on the host. An input error
/// (exit 2): changing the description or the user helps, retrying does not.
/// </summary>
public static class WritesInMemory
{
    /// <summary>Why <paramref name="writes"/> cannot hold for a deployment of this driver by this user, or null where it can.</summary>
    /// <param name="bootsKernel">The driver boots a kernel of its own (the VM driver).</param>
    /// <param name="hostRoot">The deploying process is root of the host (<c>ProcessIdentity.IsHostRoot</c>).</param>
    public static string? Problem(InstanceWrites writes, bool bootsKernel, bool hostRoot) => writes switch
    {
        InstanceWrites.Disk => null,
        _ when bootsKernel =>
            "'deploy.writes: memory' keeps sandbox instances' writes in a tmpfs; a VM writes its changes to a disk of its own: use the sandbox driver or remove 'deploy.writes'",
        _ when !hostRoot =>
            "'deploy.writes: memory' mounts a tmpfs for the deployment on the host, which only root can: deploy as root or remove 'deploy.writes'",
        _ => null,
    };

    /// <summary>The refusal as a diagnostic at the <c>deploy.writes</c> that asked for it (<see cref="DeployPolicy.Recheck"/>).</summary>
    /// <param name="hostRoot">Asked only of a description with writes in memory (it reads /proc/self/uid_map).</param>
    public static IEnumerable<Diagnostic> Check(ResolvedDescription resolved, RuntimeModel model, string driver, Func<bool> hostRoot)
    {
        if (model.Deploy.Writes == InstanceWrites.Disk)
        {
            yield break;
        }

        if (Problem(model.Deploy.Writes, bootsKernel: driver == DriverCatalog.Vm, hostRoot()) is { } problem)
        {
            var location = resolved.Provenance.LastWrite("deploy.writes")?.Location ?? SourceLocation.StartOf(resolved.Layers[^1].File);
            yield return new Diagnostic(Severity.Error, DiagnosticCodes.WritesInMemoryUnavailable, location, problem);
        }
    }
}
