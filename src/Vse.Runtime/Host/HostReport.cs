namespace Vse.Runtime.Host;

/// <summary>
/// What this host offers vse (<c>vse doctor</c>): OCI runtimes that really work, the cgroup
/// layout and where instances' cgroups go (which limits apply), user namespaces, KVM or TCG, CRIU, and the external tools.
/// </summary>
public sealed record HostReport(
    string KernelRelease,
    uint EffectiveUid,
    IReadOnlyList<OciRuntimeReport> Runtimes,
    CgroupReport Cgroups,
    CgroupPlacement CgroupPlacement,
    UserNamespaceReport UserNamespaces,
    VmReport Vm,
    CriuReport Criu,
    IReadOnlyList<ToolReport> Tools)
{
    /// <summary>The sandbox driver needs one OCI runtime that ran a probe container.</summary>
    public bool SandboxDriverAvailable => Runtimes.Any(r => r.Works);

    /// <summary>Which runtime the sandbox driver would use (the first that works, in order of preference), or why none.</summary>
    public string SandboxDriverReason => Runtimes.FirstOrDefault(r => r.Works) is { } runtime
        ? $"uses {runtime.Name}"
        : "no OCI runtime works: " + string.Join("; ", Runtimes.Select(r => $"{r.Name}: {r.Error}"));
}
