using System.Globalization;
using System.Security.Cryptography;
using Vse.Build.Kernels;
using Vse.Build.Online;
using Vse.Build.Steps;
using Vse.Deploy.Network;
using Vse.Description.Policy;
using Vse.Host.FileSystem;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Oci;
using Vse.Runtime.Vm;
using Vse.State;

namespace Vse.Deploy.Online;

/// <summary>
/// Runs an online build step (<see cref="IOnlineStepRunner"/>) in a temporary instance of the
/// configuration built so far: a sandbox, or a VM when the description's driver is <c>vm</c>; the
/// parent layer as its read-only root, the description's env, services, hostname (<c>NAME-0</c>,
/// as the first instance of a deployment) and network (with <c>network: private</c>, a private
/// network of its own, as a one-instance deployment gets). The command runs through the driver's
/// exec once the services were started; the instance is then stopped, so every file is written
/// out, and what it changed, as an overlay upper directory, becomes the step's changes, without
/// what the runtime put there for itself: a sandbox's upper directory without the mount points
/// the runtime made, a VM's changes disk (<see cref="VmChangesDisk"/>) without the files its
/// agent wrote.
/// </summary>
/// <remarks>
/// The instance gets none of the description's host mounts: a layer must not depend on host
/// data, and mounts are granted at deploy, by the deploy-time policy check. It is no deployment:
/// nothing is recorded in the state database; it lives inside the step's scratch directory (a
/// VM's state directory in <c>$VSE_HOME/vm/steps</c>, for its sockets' short paths) and is removed
/// when the step ends, however it ends (a crashed vse leaves what <c>vse gc</c> removes: the
/// scratch, and the VM's state directory and QEMU, <see cref="RemoveLeftoversAsync"/>).
/// </remarks>
public sealed class InstanceStepRunner(VseHome home) : IOnlineStepRunner
{
    /// <summary>A sandbox's services end at SIGTERM; a VM powers off through its agent, under TCG in seconds.</summary>
    private static readonly TimeSpan SandboxStopTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan VmStopTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A VM that did not power off was killed before its agent's sync: its changes disk holds what
    /// the guest's kernel had written by then, which may lack the step's last writes.
    /// </summary>
    internal static readonly string KilledVmWarning = string.Create(
        CultureInfo.InvariantCulture,
        $"the step's VM did not power off within {VmStopTimeout.TotalSeconds:0} s and was killed: its last writes may be missing from the layer (build it again with --no-cache if it looks incomplete)");

    public async Task RunAsync(OnlineStepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var driverName = request.Model.Deploy.Driver ?? DriverCatalog.Sandbox;
        if (driverName is not (DriverCatalog.Sandbox or DriverCatalog.Vm))
        {
            throw new StepFailedException($"online steps run in a sandbox or a VM; the description's driver is '{driverName}' (docs/online.md)");
        }

        if (!ProcessIdentity.IsHostRoot)
        {
            throw new StepFailedException("online steps start an instance, which vse does as root only for now (docs/online.md)");
        }

        var catalog = new DriverCatalog(home.Root, Path.Combine(home.Deployments, "runtime"), home.VirtualMachines);
        var (driver, _) = await catalog.SelectAsync(driverName, runtimeName: null, cancellationToken);
        var vm = driverName == DriverCatalog.Vm;
        // Unique on the host, as container ids and network namespaces are host-wide.
        var id = "build-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        // A VM's QEMU serves its monitor and agent on unix sockets in the state directory, whose
        // paths must stay under 108 bytes: the store's scratch paths are longer.
        var stateDirectory = vm ? Path.Combine(VmStepsDirectory(home), id) : Path.Combine(request.Scratch, "instance");
        Directory.CreateDirectory(request.Scratch);
        var spec = InstanceSpecs.FromModel(request.Model, request.ParentRootfs, stateDirectory, 0, request.Name) with { Id = id, Mounts = [] };
        if (vm)
        {
            var changesDisk = Path.Combine(request.Scratch, "changes.ext4");
            await VmChangesDisk.CreateAsync(changesDisk, cancellationToken);
            spec = spec with { Boot = await VmBoots.OfAsync(request.Model, new KernelStore(home.Kernels), cancellationToken), ChangesDisk = changesDisk };
        }

        var networkDirectory = Path.Combine(request.Scratch, "network");
        PrivateNetwork? network = null;
        InstanceHandle? handle = null;
        try
        {
            if (spec.Network == NetworkMode.Private)
            {
                network = await PrivateNetwork.CreateAsync(
                    id, AddressPlan.Parse(request.Model.Network.Subnet ?? AddressPlan.DefaultSubnet), [spec.Hostname], networkDirectory, span: null, cancellationToken);
                spec = spec with
                {
                    Mounts = [.. network.Mounts.Select(m => m with { Source = HostPaths.Canonicalize(m.Source) })],
                    Attachment = network.AttachmentOf(0),
                };
            }

            handle = await driver.CreateAsync(spec, cancellationToken);
            await driver.StartAsync(handle, cancellationToken);
            var exitCode = await ExecAsync(driver, handle, request, cancellationToken);
            if (exitCode != 0)
            {
                throw new StepFailedException($"the command exited with {exitCode} in the step's instance {spec.Hostname}");
            }

            if (vm)
            {
                if (!await VmDriver.PowerOffAsync(handle.StateDirectory, VmStopTimeout, cancellationToken))
                {
                    request.OnWarning?.Invoke(KilledVmWarning);
                }

                await VmChangesDisk.CopyUpperAsync(spec.ChangesDisk!, request.Upper, Path.Combine(request.Scratch, "changes"), cancellationToken);
                GuestWrittenFiles.Remove(request.Upper, request.ParentRootfs, [.. spec.Mounts.Select(m => m.Target)]);
            }
            else
            {
                await driver.StopAsync(handle, SandboxStopTimeout, cancellationToken);
                var upper = Path.Combine(stateDirectory, "upper");
                CapturedChanges.RemoveRuntimeMountPoints(upper, request.ParentRootfs, OciSpecBuilder.Read(stateDirectory).Mounts.Select(m => m.Destination));
                Directory.Move(upper, request.Upper);
            }
        }
        finally
        {
            if (handle is not null)
            {
                await driver.RemoveAsync(handle, CancellationToken.None);
            }

            if (network is not null)
            {
                await PrivateNetwork.DeleteAsync(id, networkDirectory, CancellationToken.None);
            }
        }
    }

    /// <summary>Where online steps' VMs keep their state directories (<c>$VSE_HOME/vm/steps/ID</c>).</summary>
    public static string VmStepsDirectory(VseHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return Path.Combine(home.VirtualMachines, "steps");
    }

    /// <summary>
    /// Removes what crashed online steps left in <see cref="VmStepsDirectory"/>, a QEMU still
    /// running there included (it outlives a vse killed with -9). Call only while holding the
    /// store lock exclusively: every build holds it shared for as long as it runs, so no step's
    /// directory there is in use, as no build's scratch in the store's <c>tmp/</c> is.
    /// </summary>
    /// <returns>How many directories were removed.</returns>
    public static async Task<int> RemoveLeftoversAsync(VseHome home, CancellationToken cancellationToken)
    {
        var steps = VmStepsDirectory(home);
        if (Nodes.TryGetStatus(steps) is not { IsDirectory: true })
        {
            return 0;
        }

        var count = 0;
        foreach (var entry in TreeWalker.Children(steps, cancellationToken).ToList())
        {
            if (entry.Status.IsDirectory)
            {
                await VmDriver.DiscardAsync(entry.HostPath, cancellationToken);
            }
            else
            {
                TreeDeleter.Delete(entry.HostPath, cancellationToken);
            }

            count++;
        }

        return count;
    }

    /// <summary>The step's command in the running instance; its output goes to the build's output, line by line.</summary>
    private static async Task<int> ExecAsync(IDriver driver, InstanceHandle handle, OnlineStepRequest request, CancellationToken cancellationToken)
    {
        using var output = new OutputLines(request.OnOutputLine);
        var exec = new ExecRequest(request.Command.Arguments, request.Command.Environment, request.Command.WorkingDirectory, Stdout: output, Stderr: output);
        var exitCode = await driver.ExecAsync(handle, exec, cancellationToken);
        output.Flush();
        return exitCode;
    }
}
