using Vse.Runtime.Drivers;
using Vse.Runtime.Oci;
using Vse.Runtime.Sandbox;
using Vse.State;
using Vse.State.Configurations;
using Vse.State.Deployments;

namespace Vse.Deploy;

/// <summary>
/// Deployments of a built configuration as sandbox instances: the records are written first
/// (state Creating), so a crash in the middle leaves something <c>vse ps</c> shows and
/// <c>vse cleanup</c> removes; then each instance is created and started and its record updated.
/// An instance that fails to start takes the deployment down with it (nothing half-started stays).
/// </summary>
public sealed class SandboxDeployments(VseHome home, DeploymentStore deployments)
{
    private string RuntimeRoot => Path.Combine(home.Deployments, "runtime");

    public async Task<Deployment> DeployAsync(ConfigurationRecord configuration, int instances, string? runtimeName, CancellationToken cancellationToken)
    {
        var runtime = await OciRuntimeProbe.SelectAsync(runtimeName, new OciRuntimeProbeCache(home.Root), cancellationToken);
        var driver = new SandboxDriver(runtime, RuntimeRoot);
        // Hostnames read like a cluster's nodes (NAME-0, NAME-1, ...); container ids add the
        // deployment id, as they must be unique on the host.
        var label = InstanceSpecs.Label(configuration.Name);
        var hostnames = Enumerable.Range(0, instances).Select(i => $"{label}-{i}").ToList();
        var deployment = await deployments.CreateAsync(
            new DeploymentRequest(configuration.Id, configuration.Name, $"{SandboxDriver.DriverName}:{runtime.Name}", hostnames), cancellationToken);
        try
        {
            foreach (var instance in deployment.Instances)
            {
                var spec = InstanceSpecs.FromDescription(configuration.DescriptionJson, configuration.RootfsPath, instance.StateDirectory, instance.Index, ContainerPrefix(configuration.Name, deployment.Id))
                    with { Hostname = instance.Hostname };
                var handle = await driver.CreateAsync(spec, cancellationToken);
                await deployments.SetInstanceRuntimeAsync(deployment.Id, instance.Index, handle.Id, null, cancellationToken);
                await driver.StartAsync(handle, cancellationToken);
                var status = await driver.StateAsync(handle, cancellationToken);
                await deployments.UpdateInstanceAsync(deployment.Id, instance.Index, LifecycleState.Running, status.Pid, cancellationToken);
            }

            await deployments.SetStateAsync(deployment.Id, LifecycleState.Running, cancellationToken);
        }
        catch
        {
            await CleanupAsync(deployment.Id, CancellationToken.None);
            throw;
        }

        return await deployments.GetAsync(deployment.Id, cancellationToken);
    }

    /// <summary>Runs a command in one instance; returns its exit code.</summary>
    public async Task<int> ExecAsync(Deployment deployment, int index, ExecRequest request, CancellationToken cancellationToken)
    {
        if (deployment.Record.State != LifecycleState.Running)
        {
            throw new DeploymentNotRunningException($"deployment {deployment.Id} is {deployment.Record.State.ToString().ToLowerInvariant()}, not running");
        }

        var instance = deployment.Instances.FirstOrDefault(i => i.Index == index)
            ?? throw new InstanceNotFoundException(deployment.Id, index);
        var (driver, handle) = await HandleOfAsync(deployment, instance, cancellationToken);
        return await driver.ExecAsync(handle, request, cancellationToken);
    }

    /// <summary>Freezes every instance (cgroup freezer); their memory stays, their processes stop running.</summary>
    public Task SuspendAsync(Deployment deployment, CancellationToken cancellationToken) =>
        ChangeStateAsync(deployment, LifecycleState.Running, LifecycleState.Suspended, (driver, handle, ct) => driver.SuspendAsync(handle, ct), cancellationToken);

    public Task ResumeAsync(Deployment deployment, CancellationToken cancellationToken) =>
        ChangeStateAsync(deployment, LifecycleState.Suspended, LifecycleState.Running, (driver, handle, ct) => driver.ResumeAsync(handle, ct), cancellationToken);

    /// <summary>The file an instance's init and services write to (the runtime hands it their stdout and stderr).</summary>
    public static string LogOf(InstanceRecord instance) => Path.Combine(instance.StateDirectory, "init.log");

    private async Task ChangeStateAsync(
        Deployment deployment, LifecycleState from, LifecycleState to, Func<SandboxDriver, InstanceHandle, CancellationToken, Task> change, CancellationToken cancellationToken)
    {
        if (deployment.Record.State != from)
        {
            throw new DeploymentNotRunningException($"deployment {deployment.Id} is {deployment.Record.State.ToString().ToLowerInvariant()}, not {from.ToString().ToLowerInvariant()}");
        }

        foreach (var instance in deployment.Instances)
        {
            var (driver, handle) = await HandleOfAsync(deployment, instance, cancellationToken);
            await change(driver, handle, cancellationToken);
            await deployments.UpdateInstanceAsync(deployment.Id, instance.Index, to, instance.Pid, cancellationToken);
        }

        await deployments.SetStateAsync(deployment.Id, to, cancellationToken);
    }

    /// <summary>Stops and removes every instance and its writable state, then the records. Safe to repeat after a crash.</summary>
    public async Task CleanupAsync(string deploymentId, CancellationToken cancellationToken)
    {
        var deployment = await deployments.GetAsync(deploymentId, cancellationToken);
        await deployments.SetStateAsync(deployment.Id, LifecycleState.Stopping, cancellationToken);
        foreach (var instance in deployment.Instances)
        {
            if (instance.RuntimeId is null && !Directory.Exists(instance.StateDirectory))
            {
                continue;
            }

            var (driver, handle) = await HandleOfAsync(deployment, instance, cancellationToken);
            await driver.StopAsync(handle, TimeSpan.FromSeconds(5), cancellationToken);
            await driver.RemoveAsync(handle, cancellationToken);
        }

        var directory = Path.GetDirectoryName(home.InstanceDirectory(deployment.Id, 0));
        if (directory is not null && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory);
        }

        await deployments.DeleteAsync(deployment.Id, cancellationToken);
    }

    private async Task<(SandboxDriver Driver, InstanceHandle Handle)> HandleOfAsync(Deployment deployment, InstanceRecord instance, CancellationToken cancellationToken)
    {
        // The runtime chosen (and probed) at deploy time is part of the record, "sandbox:runc":
        // later commands use it as it is instead of probing again, which would cost a container start.
        var runtimeName = deployment.Record.Driver.Split(':', 2) is [_, var name] ? name : "runc";
        var runtime = Vse.Build.Processes.ExternalTool.Find(runtimeName) is { } path
            ? new OciRuntime(runtimeName, path)
            : await OciRuntimeProbe.SelectAsync(runtimeName, new OciRuntimeProbeCache(home.Root), cancellationToken);
        var id = instance.RuntimeId ?? $"{ContainerPrefix(deployment.Record.Name, deployment.Id)}-{instance.Index}";
        return (new SandboxDriver(runtime, RuntimeRoot), new InstanceHandle(SandboxDriver.DriverName, id, instance.StateDirectory));
    }

    /// <summary>What container ids start with (then <c>-INDEX</c>): unique on the host, as the deployment id is in it.</summary>
    private static string ContainerPrefix(string name, string deploymentId) => $"{InstanceSpecs.Label(name)}-{deploymentId}";
}
