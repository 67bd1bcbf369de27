using Vse.Host.Processes;
using Vse.Runtime.Oci;

namespace Vse.Runtime.Host;

/// <summary>
/// Gathers a <see cref="HostReport"/>. The probes are independent and mostly wait on other
/// processes (a probe container, <c>criu check</c>, version commands), so they all run at once:
/// the report takes as long as the slowest probe, not their sum. Each has its own time limit.
/// </summary>
/// <param name="probeCache">Refreshed with each runtime's fresh probe, so deploy and run start from what doctor saw; null to leave no trace.</param>
public sealed class HostInspector(OciRuntimeProbeCache? probeCache)
{
    public async Task<HostReport> InspectAsync(CancellationToken cancellationToken)
    {
        var identity = await HostIdentity.ReadAsync(cancellationToken);
        var runtimes = Task.WhenAll(OciRuntimeProbe.KnownRuntimes.Select(name => InspectRuntimeAsync(name, cancellationToken)));
        var cgroups = CgroupMounts.ReadAsync(cancellationToken);
        var userNamespaces = UserNamespaces.InspectAsync(identity.EffectiveUid, cancellationToken);
        var vm = Kvm.InspectAsync(cancellationToken);
        var criu = Criu.InspectAsync(cancellationToken);
        var tools = Tools.InspectAsync(cancellationToken);
        var gpus = Gpus.GpuDiscovery.DiscoverHostAsync(cancellationToken);
        await Task.WhenAll(runtimes, cgroups, userNamespaces, vm, criu, tools, gpus);
        // Where this user's instances' cgroups would go, changing nothing (doctor only looks).
        var placement = CgroupPlacer.LocateForThisProcess();
        return new HostReport(identity.KernelRelease, identity.EffectiveUid, await runtimes, await cgroups, placement, await userNamespaces, await vm, await criu, await tools)
        {
            Gpus = await gpus,
            Launcher = BundledTool.Launcher(),
        };
    }

    private async Task<OciRuntimeReport> InspectRuntimeAsync(string name, CancellationToken cancellationToken)
    {
        var version = ExternalTool.Find(name) is { } path ? Tools.VersionOfAsync(path, ["--version"], cancellationToken) : Task.FromResult<string?>(null);
        var probe = await (probeCache is null ? OciRuntimeProbe.ProbeAsync(name, cancellationToken) : probeCache.RefreshAsync(name, cancellationToken));
        return new OciRuntimeReport(name, probe.Path, await version, probe.Works, probe.Error);
    }
}
