using Vse.Runtime.Drivers;
using Vse.Runtime.Sandbox;
using Vse.State.Deployments;

namespace Vse.Deploy;

/// <summary>
/// Checkpoints of a deployment's instances, and restores from them: a sandbox's processes
/// through CRIU, a VM's whole machine and disk through QEMU's migration (<see cref="Vse.Runtime.Drivers.ICheckpointable"/>).
/// <para>
/// A checkpoint leaves the deployment running (what docker and podman do with
/// <c>--leave-running</c>): HPC jobs are checkpointed now and then while they go on, and a
/// deployment has no stopped state to be left in. A restore replaces the processes of each
/// running instance by those of its checkpoint, the way a job restarts from its last checkpoint.
/// </para>
/// Each instance's checkpoint is in its state directory (<c>$VSE_HOME/run/DEP/INDEX/checkpoint</c>,
/// removed by <c>vse cleanup</c> with everything else of the instance), or in <c>DIR/INDEX</c>
/// for a directory the user gives; a new checkpoint replaces the previous one.
/// </summary>
public sealed class Checkpoints(DeploymentStore deployments, DeploymentManager manager)
{
    public const string DirectoryName = "checkpoint";

    /// <param name="directory">Where the user wants the checkpoints, or null for the instances' state directories.</param>
    public static string DirectoryOf(InstanceRecord instance, string? directory) =>
        directory is null
            ? Path.Combine(instance.StateDirectory, DirectoryName)
            : Path.Combine(Path.GetFullPath(directory), instance.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <returns>The checkpoint directory of each instance, in the order of their indexes.</returns>
    public async Task<IReadOnlyList<string>> CheckpointAsync(Deployment deployment, string? directory, CancellationToken cancellationToken)
    {
        RequireRunning(deployment, "checkpoint");
        var criu = await CriuProbe.ProbeAsync(cancellationToken);
        var written = new List<string>();
        foreach (var instance in deployment.Instances)
        {
            var (driver, handle) = await manager.HandleOfAsync(deployment, instance, cancellationToken, criu);
            var target = DirectoryOf(instance, directory);
            await CheckpointableOf(driver).CheckpointAsync(handle, target, leaveRunning: true, cancellationToken);
            written.Add(target);
        }

        return written;
    }

    public async Task RestoreAsync(Deployment deployment, string? directory, CancellationToken cancellationToken)
    {
        RequireRunning(deployment, "restore");
        // Every checkpoint is looked for before any instance is touched: a restore that cannot
        // finish must not have ended some of the instances first.
        var missing = deployment.Instances.Select(instance => DirectoryOf(instance, directory)).FirstOrDefault(path => !Directory.Exists(path));
        if (missing is not null)
        {
            throw new CheckpointNotFoundException($"deployment {deployment.Id} has no checkpoint at {missing} (see 'vse checkpoint')");
        }

        var criu = await CriuProbe.ProbeAsync(cancellationToken);
        foreach (var instance in deployment.Instances)
        {
            var (driver, handle) = await manager.HandleOfAsync(deployment, instance, cancellationToken, criu);
            try
            {
                await CheckpointableOf(driver).RestoreAsync(handle, DirectoryOf(instance, directory), cancellationToken);
            }
            catch (Exception e) when (e is not Vse.Runtime.Drivers.DriverCapabilityMissingException)
            {
                // Its processes were ended to make room for the checkpoint's: the record must say so.
                await deployments.UpdateInstanceAsync(deployment.Id, instance.Index, LifecycleState.Failed, null, CancellationToken.None);
                await deployments.SetStateAsync(deployment.Id, LifecycleState.Failed, CancellationToken.None);
                throw;
            }

            var status = await driver.StateAsync(handle, cancellationToken);
            await deployments.UpdateInstanceAsync(deployment.Id, instance.Index, LifecycleState.Running, status.Pid, cancellationToken);
        }
    }

    private static void RequireRunning(Deployment deployment, string operation)
    {
        if (deployment.Record.State != LifecycleState.Running)
        {
            throw new DeploymentNotRunningException(
                $"deployment {deployment.Id} is {deployment.Record.State.ToString().ToLowerInvariant()}; {operation} needs it running");
        }
    }

    /// <summary>
    /// The runc path checkpoints when CRIU works and says why not itself (the probe's
    /// explanation); the bulk launch path never does.
    /// </summary>
    private static ICheckpointable CheckpointableOf(IDriver driver) =>
        driver as ICheckpointable ?? throw new DriverCapabilityMissingException(driver.Name, "checkpoint or restore an instance", driver.Capabilities.Limitation);
}
