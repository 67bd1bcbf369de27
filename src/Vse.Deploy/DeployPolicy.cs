using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Runtime.Drivers;
using Vse.Runtime.Gpus;
using Vse.Runtime.Mpi;

namespace Vse.Deploy;

/// <summary>
/// The deploy-time policy check of DESIGN §2.3: the description is checked again against the
/// site's policy files as they are now (not as they were at build time), and the driver against
/// <c>allow.drivers</c>. What the command line sets in place of the description
/// (<c>--instances</c>, <c>--per-node</c>) is checked as if the description had set it: a site
/// limit on <c>deploy.instances</c> binds <c>vse deploy -n</c> too. The site's policy is that of
/// the site-wide policy file and of each trusted layer (<see cref="SitePolicyLoader"/>), so a
/// description that extends nothing is held to the site-wide rules here as at resolve. Keys no
/// driver applies yet (<see cref="UnsupportedKeys"/>) are refused here, the gate every deployment passes,
/// and so are devices that are not device nodes on this host.
/// </summary>
public static class DeployPolicy
{
    /// <summary>
    /// The description's mounts as the drivers get them, checked against site policy after the
    /// build and right before instances start: each source canonicalised once (symlinks resolved),
    /// that exact path checked against <c>allow.mounts</c>, and that exact path handed on. Drivers
    /// then refuse a path that has grown a symlink since (<see cref="PinnedMounts"/>), so what is
    /// mounted is what was checked, even when a directory is swapped for a link during the build.
    /// </summary>
    public static MountGrant GrantMounts(ResolvedDescription resolved, RuntimeModel model, string siteDirectory, string driver)
    {
        var granted = model.Mounts.Select(m => new InstanceMount(m.Target, HostPaths.Canonicalize(m.Source), m.ReadOnly)).ToList();
        var content = DeployedContent.WithMountSources(resolved.Content, granted.ToDictionary(m => m.Target, m => m.Source, StringComparer.Ordinal));
        var (policy, diagnostics) = SitePolicyLoader.Load(resolved.Layers.Select(l => l.File), siteDirectory);
        var fallback = SourceLocation.StartOf(resolved.Layers[^1].File);
        SourceLocation Locate(string path) => resolved.Provenance.LastWrite(path)?.Location ?? fallback;
        return new MountGrant(granted, [.. diagnostics, .. PolicyChecker.Check(content, policy, Locate), .. PolicyChecker.CheckDriver(driver, policy, Locate("deploy.driver"))]);
    }

    /// <param name="model">The model of <paramref name="resolved"/> (<see cref="RuntimeModel.From"/>).</param>
    public static IReadOnlyList<Diagnostic> Recheck(
        ResolvedDescription resolved, RuntimeModel model, string siteDirectory, string driver, int? instances = null, int? perNode = null)
    {
        var (policy, diagnostics) = SitePolicyLoader.Load(resolved.Layers.Select(l => l.File), siteDirectory);
        var fallback = SourceLocation.StartOf(resolved.Layers[^1].File);
        SourceLocation Locate(string path) => resolved.Provenance.LastWrite(path)?.Location ?? fallback;
        return
        [
            .. diagnostics,
            .. PolicyChecker.Check(DeployedContent.WithCounts(resolved.Content, instances, perNode), policy, Locate),
            .. PolicyChecker.CheckDriver(driver, policy, Locate("deploy.driver")),
            .. UnsupportedKeys.Check(resolved, model, driver),
            .. WritesInMemory.Check(resolved, model, driver, () => Vse.Host.Processes.ProcessIdentity.IsHostRoot),
            .. Network.SharedLoopback.Check(resolved, model, driver),
            .. CheckDevicesOnHost(resolved, model, driver),
        ];
    }

    /// <summary>
    /// Each device the description asks for must be a device node on this host now: an instance
    /// started without it would fail later, far from the cause. The drivers look again when they
    /// make the node (<see cref="HostDevice.Of"/>), so one removed since still stops the start.
    /// </summary>
    public static IEnumerable<Diagnostic> CheckDevicesOnHost(ResolvedDescription resolved, RuntimeModel model, string driver)
    {
        if (driver == DriverCatalog.Vm)
        {
            yield break;  // refused for VMs already (UnsupportedKeys)
        }

        foreach (var device in model.Devices)
        {
            var reason = Probe(new InstanceDevice(device, HostPaths.Canonicalize(device)));
            if (reason is not null)
            {
                yield return new Diagnostic(Severity.Error, DiagnosticCodes.DeviceNotOnHost, UnsupportedKeys.LocateDevice(resolved, device),
                    $"device '{device}' cannot be given to instances: {reason}");
            }
        }
    }

    /// <summary>
    /// <c>gpus</c> against this host's GPUs (<see cref="GpuDiscovery"/>): the request must be met,
    /// and every node it would give (the chosen GPUs' and the control nodes) must be allowed by
    /// <c>allow.devices</c>, as a device in <c>devices</c> is. Nothing for the VM driver, which refuses <c>gpus</c>.
    /// </summary>
    public static IReadOnlyList<Diagnostic> CheckGpus(ResolvedDescription resolved, RuntimeModel model, string siteDirectory, string driver, GpuInventory inventory)
    {
        if (model.Gpus is not { } request || driver == DriverCatalog.Vm)
        {
            return [];
        }

        var location = UnsupportedKeys.LocateGpus(resolved);
        GpuGrant grant;
        try
        {
            grant = GpuGrant.Select(inventory, request);
        }
        catch (GpuRequestException e)
        {
            return [new Diagnostic(Severity.Error, DiagnosticCodes.GpusNotOnHost, location, e.Message)];
        }

        var (policy, diagnostics) = SitePolicyLoader.Load(resolved.Layers.Select(l => l.File), siteDirectory);
        var bag = new DiagnosticBag();
        var declaring = policy.Layers.Where(r => r.AllowDevices is not null).ToList();
        foreach (var node in grant.Nodes)
        {
            PolicyChecker.CheckDevice(node.Path, $"'gpus: {request}' gives device '{node.Path}', which", declaring, location, bag);
        }

        return [.. diagnostics, .. bag.Items];
    }

    /// <summary>
    /// <c>mpi: host</c> against this host's MPI and, once built, the image's: the host must have one,
    /// the image must have one, and they must share an ABI (<see cref="HostMpiGrant.Select"/>).
    /// Before the build <paramref name="image"/> is null and only the host is checked.
    /// </summary>
    public static IReadOnlyList<Diagnostic> CheckHostMpi(ResolvedDescription resolved, RuntimeModel model, string driver, MpiInventory host, MpiInventory? image)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!model.HostMpi || driver == DriverCatalog.Vm)
        {
            return [];
        }

        try
        {
            if (image is null)
            {
                HostMpiGrant.RequireHost(host);
            }
            else
            {
                HostMpiGrant.Select(host, image);
            }

            return [];
        }
        catch (HostMpiRefusedException e)
        {
            return [new Diagnostic(Severity.Error, e.Code, UnsupportedKeys.LocateMpi(resolved), e.Message)];
        }
    }

    private static string? Probe(InstanceDevice device)
    {
        try
        {
            HostDevice.Of(device);
            return null;
        }
        catch (DeviceNotOnHostException e)
        {
            return device.HostPath == device.Path ? e.Reason : $"it resolves to '{device.HostPath}', and {e.Reason}";
        }
    }
}
