using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Processes;
using Vse.Build.Kernels;
using Vse.Deploy.Mpi;
using Vse.Deploy.Network;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Runtime.Drivers;
using Vse.Runtime.Gpus;
using Vse.Runtime.Mpi;
using Vse.Runtime.Sandbox;
using Vse.Runtime.Sandbox.Launch;
using Vse.State;
using Vse.State.Configurations;
using Vse.State.Deployments;

namespace Vse.Deploy;

/// <summary>
/// Deployments of a built configuration as instances of any driver (sandboxes, VMs): the records are written first
/// (state Creating), so a crash in the middle leaves something <c>vse ps</c> shows and
/// <c>vse cleanup</c> removes; then the instances are created and started, several at once, and
/// their records updated. Nothing half-started stays: a failed instance is removed at once.
/// </summary>
public sealed class DeploymentManager(VseHome home, DeploymentStore deployments)
{
    private readonly DriverCatalog _drivers = new(home.Root, Path.Combine(home.Deployments, "runtime"), home.VirtualMachines, home.Trash);

    /// <summary>
    /// Records a deployment, then creates and starts its instances, <see cref="DeploymentPlan.Parallelism"/>
    /// at a time. An instance that fails is removed and reported; the others are then removed too,
    /// unless the plan keeps a partial deployment (and at least one instance started).
    /// </summary>
    /// <param name="model">What runs: the model of the description <paramref name="configuration"/> was built from.</param>
    /// <exception cref="DeploymentFailedException">Instances failed and the deployment was cleaned up.</exception>
    public Task<DeployResult> DeployAsync(
        ConfigurationRecord configuration, RuntimeModel model, DeploymentPlan plan, IProgress<DeployProgress>? progress, CancellationToken cancellationToken) =>
        DeployAsync(configuration, model, plan, progress, null, cancellationToken);

    /// <inheritdoc cref="DeployAsync(ConfigurationRecord, RuntimeModel, DeploymentPlan, IProgress{DeployProgress}?, CancellationToken)"/>
    /// <param name="recorded">
    /// Told the deployment's id once its records exist and before anything of it runs (no instance, no
    /// network): a caller that must remove the deployment whatever happens next (a Slurm node's share,
    /// stopped by a signal in the middle) learns what to remove before there is anything to remove.
    /// If it throws, the deployment is cleaned up as for any failure.
    /// </param>
    public async Task<DeployResult> DeployAsync(
        ConfigurationRecord configuration, RuntimeModel model, DeploymentPlan plan, IProgress<DeployProgress>? progress,
        Func<string, Task>? recorded, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(plan.Instances, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plan.Instances, Description.DeploymentBounds.MaxInstances);
        var (driver, recordedDriver) = await _drivers.SelectAsync(plan.Driver, plan.RuntimeName, cancellationToken);
        // Hostnames read like a cluster's nodes (NAME-0, NAME-1, ...); container ids add the
        // deployment id, as they must be unique on the host.
        var label = InstanceSpecs.Label(configuration.Name);
        var hostnames = Enumerable.Range(plan.FirstHostIndex, plan.Instances).Select(i => $"{label}-{i}").ToList();
        var deployment = await deployments.CreateAsync(
            new DeploymentRequest(configuration.Id, configuration.Name, recordedDriver.ToString(), hostnames, DescriptionPath: plan.DescriptionPath), cancellationToken);
        var prefix = ContainerPrefix(configuration.Name, deployment.Id);
        var template = InstanceSpecs.FromModel(model, configuration.RootfsPath, deployment.Instances[0].StateDirectory, 0, prefix);
        template = template with { Mounts = Granted(template, plan.GrantedMounts) };
        PrivateNetwork? network = null;
        try
        {
            if (recorded is not null)
            {
                await recorded(deployment.Id);
            }

            if (model.Deploy.Writes == InstanceWrites.Memory)
            {
                MountWritesInMemory(driver, deployment.Id);
            }

            if (driver.BootsKernel)
            {
                progress?.Report(new DeployProgress(0, 0, plan.Instances, "VMs: their kernel (fetched the first time), initramfs and disk"));
                template = template with { Boot = await VmBoots.OfAsync(model, new KernelStore(home.Kernels), cancellationToken) };
            }

            if (model.Network.SharedLoopback)
            {
                template = template with { SharedNetwork = await CreateSharedLoopbackAsync(driver, model.Network, deployment.Id, NetworkDirectory(deployment.Id), cancellationToken) };
            }

            if (template.Network == NetworkMode.Private)
            {
                DriverAbilities.RequireNetworkMode(driver, NetworkMode.Private);
                network = await PrivateNetwork.CreateAsync(
                    deployment.Id, AddressPlan.Parse(model.Network.Subnet ?? AddressPlan.DefaultSubnet), NetworkHostnames(label, hostnames, plan),
                    NetworkDirectory(deployment.Id), plan.Span, cancellationToken);
                // vse's own files; canonical, as drivers take no path with a symlink in it.
                template = template with { Mounts = [.. template.Mounts, .. network.Mounts.Select(m => m with { Source = HostPaths.Canonicalize(m.Source) })] };
                // The instances are the nodes of an MPI job; when this node's share outnumbers its cores,
                // MPI must yield while it waits (docs/parallel.md, "Oversubscription").
                template = template with { Env = MpiIdleEnvironment.Apply(template.Env, plan.Instances, CoreBudget.OfThisProcess()) };
            }

            if (model.Gpus is { } gpus && !driver.BootsKernel)
            {
                // This host's GPUs and driver files, found now (deploy-time policy checked the nodes).
                var grant = GpuGrant.Select(await GpuDiscovery.DiscoverHostAsync(cancellationToken), gpus);
                template = grant.ApplyTo(template);
            }

            if (model.HostMpi && !driver.BootsKernel)
            {
                // As the preparation selected it here; without one (a Slurm node's share, a one-shot
                // run) this host's MPI and the image's are looked at now.
                var mpi = plan.HostMpi ?? await HostMpiGrant.SelectWithDependenciesAsync(
                    await HostMpiDiscovery.DiscoverHostAsync(cancellationToken), ImageMpiInspection.Inspect(configuration.RootfsPath), cancellationToken);
                template = mpi.ApplyTo(template);
            }

            WarnUnappliedLimits(driver, template, plan.Instances, progress);
            var specs = deployment.Instances.Select(instance => template with
            {
                Id = $"{prefix}-{instance.Index}", Hostname = instance.Hostname, StateDirectory = instance.StateDirectory,
                Attachment = network?.AttachmentOf(plan.Span is null ? instance.Index : plan.FirstHostIndex + instance.Index),
            }).ToList();
            var failed = driver is IStartsMany bulk
                ? await StartAllAsync(bulk, deployment.Id, specs, plan, progress, cancellationToken)
                : await StartEachAsync(driver, deployment.Id, specs, plan, progress, cancellationToken);
            if (failed.Count > 0 && (!plan.KeepPartial || failed.Count == plan.Instances))
            {
                throw new DeploymentFailedException(deployment.Id, plan.Instances, failed);
            }

            await deployments.SetStateAsync(deployment.Id, LifecycleState.Running, cancellationToken);
            return new DeployResult(await deployments.GetAsync(deployment.Id, cancellationToken), failed);
        }
        catch
        {
            await CleanupAsync(deployment.Id, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Who is on the private network: this deployment's instances, or with a span every host's (<c>NAME-0</c> on).</summary>
    private static IReadOnlyList<string> NetworkHostnames(string label, IReadOnlyList<string> hostnames, DeploymentPlan plan)
    {
        if (plan.Span is not { } span)
        {
            return hostnames;
        }

        if (plan.FirstHostIndex + plan.Instances > span.Instances)
        {
            throw new ArgumentException($"instances {plan.FirstHostIndex} to {plan.FirstHostIndex + plan.Instances - 1} are not within the network's {span.Instances}");
        }

        return [.. Enumerable.Range(0, span.Instances).Select(i => $"{label}-{i}")];
    }

    /// <summary>Says once per deploy which of the instances' limits this host cannot apply; they start without them.</summary>
    private static void WarnUnappliedLimits(IDriver driver, InstanceSpec template, int total, IProgress<DeployProgress>? progress)
    {
        foreach (var warning in DriverAbilities.UnappliedLimits(driver, template))
        {
            progress?.Report(new DeployProgress(0, 0, total, Warning: warning));
        }
    }

    /// <summary>
    /// The mounts an instance gets: those deploy-time policy granted, which must be the
    /// description's own (same targets); never the description's paths unchecked.
    /// </summary>
    private static IReadOnlyList<InstanceMount> Granted(InstanceSpec spec, IReadOnlyList<InstanceMount>? granted)
    {
        if (spec.Mounts.Count == 0 && (granted is null || granted.Count == 0))
        {
            return [];
        }

        if (granted is null || !granted.Select(m => m.Target).Order(StringComparer.Ordinal).SequenceEqual(spec.Mounts.Select(m => m.Target).Order(StringComparer.Ordinal)))
        {
            throw new InvalidOperationException("the description's mounts were not granted by the deploy-time policy check (DeployPolicy.GrantMounts)");
        }

        return granted;
    }

    /// <summary>Drivers without a bulk start (the OCI runtime path, VMs): each instance created and started on its own, several at once.</summary>
    private async Task<List<InstanceFailure>> StartEachAsync(
        IDriver driver, string deploymentId, IReadOnlyList<InstanceSpec> specs, DeploymentPlan plan, IProgress<DeployProgress>? progress, CancellationToken cancellationToken)
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<InstanceFailure>();
        var started = 0;
        await Parallel.ForEachAsync(
            specs.Select((spec, index) => (spec, index)),
            new ParallelOptions { MaxDegreeOfParallelism = plan.Parallelism, CancellationToken = cancellationToken },
            async (instance, ct) =>
            {
                var (spec, index) = instance;
                try
                {
                    await StartInstanceAsync(driver, deploymentId, index, spec, ct);
                    Interlocked.Increment(ref started);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Enqueue(new InstanceFailure(index, spec.Hostname, e.Message.ReplaceLineEndings(" ")));
                    await driver.RemoveAsync(new InstanceHandle(driver.Name, spec.Id, spec.StateDirectory), CancellationToken.None);
                    await deployments.UpdateInstanceAsync(deploymentId, index, LifecycleState.Failed, null, CancellationToken.None);
                }

                progress?.Report(new DeployProgress(Volatile.Read(ref started), failures.Count, plan.Instances));
            });
        return [.. failures.OrderBy(f => f.Index)];
    }

    /// <summary>
    /// The bulk path (<see cref="IStartsMany"/>; the launcher: one process for every instance,
    /// which also plugs each into the private network). The records are written once, at the end
    /// (the deployment's record, written first, is what a crash leaves for cleanup).
    /// </summary>
    private async Task<List<InstanceFailure>> StartAllAsync(
        IStartsMany driver, string deploymentId, IReadOnlyList<InstanceSpec> specs, DeploymentPlan plan, IProgress<DeployProgress>? progress, CancellationToken cancellationToken)
    {
        var (started, failedCount) = (0, 0);
        var outcomes = await driver.StartManyAsync(
            specs,
            outcome =>
            {
                var (up, down) = outcome.Failure is null ? (Interlocked.Increment(ref started), Volatile.Read(ref failedCount)) : (Volatile.Read(ref started), Interlocked.Increment(ref failedCount));
                progress?.Report(new DeployProgress(up, down, plan.Instances));
            },
            cancellationToken);
        await deployments.UpdateInstancesAsync(
            deploymentId,
            [.. outcomes.Select((o, index) => new InstanceUpdate(index, o.Failure is null ? LifecycleState.Running : LifecycleState.Failed, o.Pid))],
            cancellationToken);
        return [.. outcomes.Select((o, index) => (o, index)).Where(x => x.o.Failure is not null).Select(x => new InstanceFailure(x.index, x.o.Spec.Hostname, x.o.Failure!))];
    }

    private async Task StartInstanceAsync(IDriver driver, string deploymentId, int index, InstanceSpec spec, CancellationToken cancellationToken)
    {
        var handle = await driver.CreateAsync(spec, cancellationToken);
        await deployments.SetInstanceRuntimeAsync(deploymentId, index, handle.Id, null, cancellationToken);
        await driver.StartAsync(handle, cancellationToken);
        var pid = await driver.PidAsync(handle, cancellationToken);
        await deployments.UpdateInstanceAsync(deploymentId, index, LifecycleState.Running, pid, cancellationToken);
    }

    /// <summary>
    /// <c>vse run</c>: one instance whose whole life is the command, started by one runtime
    /// invocation where the driver can (<see cref="IRunsOnce"/>), else deployed, exec'd and
    /// cleaned up. An instance with services needs its init, so it takes the long way.
    /// Recorded while it runs (a one-shot's record is a file: <see cref="DeploymentStore.CreateOneShot"/>),
    /// so a crash leaves what <c>vse ps</c> shows and <c>vse cleanup</c> removes.
    /// </summary>
    /// <param name="hostMpi">With <c>mpi: host</c>, the grant the preparation selected (<see cref="DeploymentPlan.HostMpi"/>).</param>
    /// <param name="handOff">
    /// Where the driver can hand the run to one program that also removes it (<see cref="IHandsOffOnce"/>,
    /// the launcher), the caller's way to become that program (<c>execv</c>; the request's streams
    /// must then be the process's own). It returns only by throwing; the run is then cleaned up here.
    /// </param>
    /// <returns>The command's exit code.</returns>
    public async Task<int> RunOnceAsync(
        ConfigurationRecord configuration, RuntimeModel model, ExecRequest request, string driverName, string? runtimeName, IReadOnlyList<InstanceMount>? grantedMounts,
        HostMpiGrant? hostMpi, IProgress<DeployProgress>? progress, CancellationToken cancellationToken, Action<ProcessHandoff>? handOff = null)
    {
        var shape = InstanceSpecs.FromModel(model, configuration.RootfsPath, home.Root, 0, configuration.Name);
        shape = shape with { Mounts = Granted(shape, grantedMounts) };
        if (shape.Services.Count > 0 || shape.Network == NetworkMode.Private || shape.Mounts.Count > 0 || model.Gpus is not null || model.HostMpi
            || model.Deploy.Writes == InstanceWrites.Memory || !DriverCatalog.RunsOnce(driverName))
        {
            // Services need the init; a private network is plugged in between create and start;
            // granted mounts (and the GPU and host MPI files) are checked between create and start
            // (PinnedMounts); a VM always boots; the tmpfs of writes in memory is unmounted by the
            // cleanup, which a handed-off run (the launcher removing it) never reaches.
            var started = await DeployAsync(configuration, model, new DeploymentPlan(1, runtimeName, Driver: driverName, GrantedMounts: grantedMounts, HostMpi: hostMpi), progress, cancellationToken);
            try
            {
                return await ExecAsync(started.Deployment, 0, request, cancellationToken);
            }
            finally
            {
                await CleanupAsync(started.Deployment.Id, CancellationToken.None);
            }
        }

        var (driver, recorded) = await _drivers.SelectAsync(driverName, runtimeName, cancellationToken);
        // One file written before the command and removed after it (docs/runtime.md, "run"):
        // recorded as running at once, since the runtime call that starts the instance also runs
        // the command; a vse killed in between leaves the record, which vse cleanup acts on as on any deployment.
        var deployment = deployments.CreateOneShot(
            new DeploymentRequest(configuration.Id, configuration.Name, recorded.ToString(), [$"{InstanceSpecs.Label(configuration.Name)}-0"], State: LifecycleState.Running));
        var instance = deployment.Instances[0];
        var spec = shape with { Id = $"{ContainerPrefix(configuration.Name, deployment.Id)}-0", Hostname = instance.Hostname, StateDirectory = instance.StateDirectory };
        int exitCode;
        try
        {
            WarnUnappliedLimits(driver, spec, 1, progress);
            if (handOff is not null && driver is IHandsOffOnce handsOff)
            {
                // The launcher runs the command and removes the run, its record last: nothing is left for this process to do.
                handOff(handsOff.HandOffOnce(spec, request, deployments.OneShotRecordPath(deployment.Id), LauncherFailureExitCode));
                throw new InvalidOperationException("the run was handed off, yet this process goes on");
            }

            exitCode = await DriverAbilities.RunsOnce(driver).RunOnceAsync(spec, request, cancellationToken);
        }
        catch
        {
            // The driver may not have got as far as removing its instance: the whole cleanup.
            await CleanupAsync(deployment.Id, CancellationToken.None);
            throw;
        }

        // The driver removed the instance when its command ended (IRunsOnce): left are the
        // deployment's directory and its record, not a runtime to ask or an instance to stop.
        RemoveDeploymentDirectory(deployment.Id);
        await deployments.DeleteAsync(deployment.Id, CancellationToken.None);
        return exitCode;
    }

    /// <summary>
    /// The exit code of a handed-off run whose launcher failed itself (not the command): the
    /// command line's infrastructure failure (DESIGN 2.4), as when vse reports it.
    /// </summary>
    public const int LauncherFailureExitCode = 4;

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
        int exitCode;
        try
        {
            exitCode = await driver.ExecAsync(handle, request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The runtime could not join an instance that a concurrent cleanup was stopping.
            if (await HasGoneAsync(deployment.Id, index, CancellationToken.None))
            {
                throw new InstanceGoneException(deployment.Id, index, e);
            }

            throw;
        }

        // A command killed by a signal: by itself, or because its instance went away under it.
        if (exitCode > 128 && await HasGoneAsync(deployment.Id, index, cancellationToken))
        {
            throw new InstanceEndedException(deployment.Id, index, exitCode);
        }

        return exitCode;
    }

    /// <summary>What the driver that runs the deployment's instances can do on this host (a terminal for a command, suspend, …).</summary>
    public async Task<DriverCapabilities> CapabilitiesAsync(Deployment deployment, CancellationToken cancellationToken) =>
        (await _drivers.OfRecordAsync(DriverRuntime.Parse(deployment.Record.Driver), null, cancellationToken)).Capabilities;

    /// <summary>Whether an instance is no longer up: its deployment removed, its record no longer running, or its init ended.</summary>
    private async Task<bool> HasGoneAsync(string deploymentId, int index, CancellationToken cancellationToken)
    {
        Deployment now;
        try
        {
            now = await deployments.GetAsync(deploymentId, cancellationToken);
        }
        catch (DeploymentNotFoundException)
        {
            return true;
        }

        return now.Record.State is not (LifecycleState.Running or LifecycleState.Suspended)
            || now.Instances.FirstOrDefault(i => i.Index == index) is not { } instance
            || ObservedState(now, instance) is not ("running" or "suspended");
    }

    /// <summary>Freezes every instance (cgroup freezer); their memory stays, their processes stop running.</summary>
    public Task SuspendAsync(Deployment deployment, CancellationToken cancellationToken) =>
        ChangeStateAsync(deployment, LifecycleState.Running, LifecycleState.Suspended, (driver, handle, ct) => DriverAbilities.Suspendable(driver).SuspendAsync(handle, ct), cancellationToken);

    public Task ResumeAsync(Deployment deployment, CancellationToken cancellationToken) =>
        ChangeStateAsync(deployment, LifecycleState.Suspended, LifecycleState.Running, (driver, handle, ct) => DriverAbilities.Suspendable(driver).ResumeAsync(handle, ct), cancellationToken);

    /// <summary>
    /// Moves running instances (one, or all when <paramref name="index"/> is null) to another host
    /// while they run (<see cref="IMigratable"/>), one after the other; each instance's record
    /// follows it, and <paramref name="migrated"/> hears of it by hostname.
    /// </summary>
    public async Task MigrateAsync(Deployment deployment, int? index, MigrationTarget target, Action<string>? migrated, CancellationToken cancellationToken)
    {
        if (deployment.Record.State != LifecycleState.Running)
        {
            throw new DeploymentNotRunningException($"deployment {deployment.Id} is {deployment.Record.State.ToString().ToLowerInvariant()}; migrate needs it running");
        }

        var instances = index is null
            ? deployment.Instances
            : [deployment.Instances.FirstOrDefault(i => i.Index == index) ?? throw new InstanceNotFoundException(deployment.Id, index.Value)];
        foreach (var instance in instances)
        {
            var (driver, handle) = await HandleOfAsync(deployment, instance, cancellationToken);
            await DriverAbilities.Migratable(driver).MigrateAsync(handle, target, cancellationToken);
            var status = await driver.StateAsync(handle, cancellationToken);
            await deployments.UpdateInstanceAsync(deployment.Id, instance.Index, LifecycleState.Running, status.Pid, cancellationToken);
            migrated?.Invoke(instance.Hostname);
        }
    }

    /// <summary>
    /// The instance's init PID: as recorded when it was deployed, or, for a running instance
    /// recorded without one (a one-shot <c>vse run</c>), the PID file its runtime wrote.
    /// </summary>
    public static int? ObservedPid(Deployment deployment, InstanceRecord instance)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(instance);
        return instance.Pid ?? (instance.State == LifecycleState.Running
            ? DriverCatalog.InitPid(DriverRuntime.Parse(deployment.Record.Driver), HandleOf(deployment, instance))
            : null);
    }

    /// <summary>
    /// What <c>vse ps</c> shows for an instance: its recorded state, or <c>exited</c> when it is
    /// recorded as up but its init has ended (killed, out of memory, the host rebooted), or, for a
    /// one-shot run, when the process that owns it (vse, or the launcher it became) is gone and
    /// no init runs; such an instance still holds state that <c>vse cleanup</c> removes.
    /// </summary>
    public static string ObservedState(Deployment deployment, InstanceRecord instance)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(instance);
        var up = instance.State is LifecycleState.Running or LifecycleState.Suspended;
        // A one-shot run's init PID is in its PID file (ObservedPid), not its record.
        var ended = up && (ObservedPid(deployment, instance) is { } pid
            ? HasEnded(deployment, instance, pid)
            : deployment.Record.Owner is { } owner && !owner.IsRunning());
        return ended ? "exited" : instance.State.ToString().ToLowerInvariant();
    }

    /// <summary>
    /// The file an instance's init and services write to: for sandboxes what the runtime hands
    /// them as stdout and stderr, for VMs the serial console.
    /// </summary>
    public static string LogOf(Deployment deployment, InstanceRecord instance) =>
        DriverCatalog.ConsoleLog(DriverRuntime.Parse(deployment.Record.Driver), instance.StateDirectory);

    private static bool HasEnded(Deployment deployment, InstanceRecord instance, int pid) =>
        DriverCatalog.HasEnded(DriverRuntime.Parse(deployment.Record.Driver), HandleOf(deployment, instance), pid);

    private async Task ChangeStateAsync(
        Deployment deployment, LifecycleState from, LifecycleState to, Func<IDriver, InstanceHandle, CancellationToken, Task> change, CancellationToken cancellationToken)
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

    /// <summary>
    /// Stops and removes every instance and its writable state (as many at once as a deploy
    /// starts), then the records. Safe to repeat after a crash.
    /// </summary>
    public async Task CleanupAsync(string deploymentId, CancellationToken cancellationToken)
    {
        var deployment = await deployments.GetAsync(deploymentId, cancellationToken);
        await deployments.SetStateAsync(deployment.Id, LifecycleState.Stopping, cancellationToken);
        var (driver, _) = await HandleOfAsync(deployment, deployment.Instances[0], cancellationToken);
        // deploy.writes: memory: the files go with the tmpfs, detached whole once every instance
        // has let go of it; deleting them one by one first is CPU spent for nothing.
        var filesGoWhole = PrivateTmpfs.IsMountedOn(DeploymentDirectory(deployment.Id));
        await Parallel.ForEachAsync(
            deployment.Instances.Where(i => i.RuntimeId is not null || Directory.Exists(i.StateDirectory)),
            new ParallelOptions { MaxDegreeOfParallelism = driver.StopsAtOnce, CancellationToken = cancellationToken },
            async (instance, ct) =>
            {
                var handle = HandleOf(deployment, instance);
                await driver.StopAsync(handle, TimeSpan.FromSeconds(5), ct);
                await (filesGoWhole ? driver.ReleaseAsync(handle, ct) : driver.RemoveAsync(handle, ct));
            });

        await PrivateNetwork.DeleteAsync(deployment.Id, NetworkDirectory(deployment.Id), cancellationToken);
        await SharedLoopback.DeleteAsync(deployment.Id, cancellationToken);
        if (!filesGoWhole)
        {
            TreeDeleter.Delete(NetworkDirectory(deployment.Id), cancellationToken);
        }

        RemoveDeploymentDirectory(deployment.Id);
        await deployments.DeleteAsync(deployment.Id, cancellationToken);
    }

    /// <summary>
    /// <c>network.loopback: shared</c>: the deployment's one network namespace, which its instances
    /// join. Refused here too, not only by the preparation: a Slurm node's share comes here without it;
    /// and by a driver that cannot make instances in it here (the OCI runtime for an ordinary user).
    /// </summary>
    private static async Task<SharedNetworkNamespace> CreateSharedLoopbackAsync(
        IDriver driver, NetworkSettings network, string deploymentId, string directory, CancellationToken cancellationToken)
    {
        if (SharedLoopback.Problem(network, driver.BootsKernel) is { } problem)
        {
            throw new Preparation.DeploymentRequestException(problem);
        }

        if (!driver.Capabilities.SharedNetwork)
        {
            throw new DriverCapabilityMissingException(driver.Name, "make instances in one shared network namespace ('network.loopback: shared')", driver.Capabilities.NetworkLimitation);
        }

        return await SharedLoopback.CreateAsync(deploymentId, directory, cancellationToken);
    }

    /// <summary>
    /// <c>deploy.writes: memory</c>: a tmpfs of the deployment's own on its directory, before anything
    /// of the deployment is made in it (the instances' state directories, the network's files).
    /// Refused here too, not only by the preparation: a Slurm node's share comes here without it.
    /// </summary>
    private void MountWritesInMemory(IDriver driver, string deploymentId)
    {
        if (WritesInMemory.Problem(InstanceWrites.Memory, driver.BootsKernel, ProcessIdentity.IsHostRoot) is { } problem)
        {
            throw new Preparation.DeploymentRequestException(problem);
        }

        var directory = DeploymentDirectory(deploymentId);
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        PrivateTmpfs.Mount(directory);
    }

    /// <summary>
    /// Removes the directory that held a deployment's instances once they are gone (left alone while
    /// anything is in it). With <c>deploy.writes: memory</c> its tmpfs goes first, whole, with what is
    /// left in it: found by looking (a tmpfs mounted on the directory), so that the cleanup of a
    /// deployment whose vse was killed needs nothing else recorded.
    /// </summary>
    private void RemoveDeploymentDirectory(string deploymentId)
    {
        var directory = DeploymentDirectory(deploymentId);
        PrivateTmpfs.Unmount(directory);
        if (!Directory.Exists(directory))
        {
            return;
        }

        // The bulk launcher's compiled syscall filter, where a vse before the shared one wrote it for the deployment.
        File.Delete(Path.Combine(directory, LaunchSeccompFilter.FileName));
        if (!Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory);
        }
    }

    /// <param name="criu">What probing CRIU found, for the operations that need it (checkpoint, restore).</param>
    internal async Task<(IDriver Driver, InstanceHandle Handle)> HandleOfAsync(
        Deployment deployment, InstanceRecord instance, CancellationToken cancellationToken, CriuProbeResult? criu = null)
    {
        // The driver and runtime chosen (and probed) at deploy time are part of the record.
        var driver = await _drivers.OfRecordAsync(DriverRuntime.Parse(deployment.Record.Driver), criu, cancellationToken);
        return (driver, HandleOf(deployment, instance));
    }

    private static InstanceHandle HandleOf(Deployment deployment, InstanceRecord instance) =>
        new(DriverRuntime.Parse(deployment.Record.Driver).Driver, instance.RuntimeId ?? $"{ContainerPrefix(deployment.Record.Name, deployment.Id)}-{instance.Index}", instance.StateDirectory);

    /// <summary><c>run/DEPLOYMENT</c>: the directory of the deployment's instances' state directories.</summary>
    private string DeploymentDirectory(string deploymentId) => Path.GetDirectoryName(home.InstanceDirectory(deploymentId, 0))!;

    /// <summary>The deployment's hosts file and hostfile, beside its instances' directories.</summary>
    private string NetworkDirectory(string deploymentId) => Path.Combine(DeploymentDirectory(deploymentId), "network");

    /// <summary>What container ids start with (then <c>-INDEX</c>): unique on the host, as the deployment id is in it.</summary>
    private static string ContainerPrefix(string name, string deploymentId) => $"{InstanceSpecs.Label(name)}-{deploymentId}";
}
