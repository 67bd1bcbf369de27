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
    /// <summary>The host's NVIDIA GPUs and driver files (<c>gpus</c>, docs/devices.md); null when not looked at.</summary>
    public Gpus.GpuInventory? Gpus { get; init; }

    /// <summary>What <c>gpus</c> would find: "2 (/dev/nvidia0, /dev/nvidia1); 4 control nodes, 9 driver libraries, 1 tool".</summary>
    public string GpuSummary => Gpus is not { } gpus || gpus.IsEmpty
        ? "none: no /dev/nvidiaN" + (Gpus is { Libraries.Count: > 0 } ? $" ({Gpus.Libraries.Count} driver libraries found)" : "")
        : $"{gpus.Gpus.Count} ({string.Join(", ", gpus.Gpus.Select(g => g.Path))}); {gpus.ControlNodes.Count} control nodes, "
          + $"{gpus.Libraries.Count} driver libraries, {gpus.Tools.Count} tools ({string.Join(", ", gpus.Tools.Select(t => t.Name))})";

    /// <summary>The bulk launcher (<c>vse-launch</c>) vse would run, or null when it is not built.</summary>
    public string? Launcher { get; init; }

    /// <summary>The sandbox driver needs one OCI runtime that ran a probe container, or else the bulk launcher.</summary>
    public bool SandboxDriverAvailable => Runtimes.Any(r => r.Works) || Launcher is not null;

    /// <summary>Which runtime the sandbox driver would use by default (the first OCI runtime that works, else the launcher), or why none.</summary>
    public string SandboxDriverReason => Runtimes.FirstOrDefault(r => r.Works) is { } runtime
        ? $"uses {runtime.Name}"
        : Launcher is not null
            ? $"uses {Sandbox.Launch.LaunchedSandboxDriver.RuntimeName} ({NoOciRuntime})"
            : $"{NoOciRuntime}; {Sandbox.Launch.LaunchedSandboxDriver.RuntimeName} is not built";

    private string NoOciRuntime => "no OCI runtime works: " + string.Join("; ", Runtimes.Select(r => $"{r.Name}: {r.Error}"));
}
