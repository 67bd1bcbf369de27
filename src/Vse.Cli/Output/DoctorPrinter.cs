using System.Globalization;
using Vse.Build.Rootless;
using Vse.Runtime.Host;

namespace Vse.Cli.Output;

/// <summary><c>vse doctor</c> for a person: one line per subject, then the runtimes and the tools as tables.</summary>
internal static class DoctorPrinter
{
    /// <param name="rootlessBuild">Whether an ordinary user's builds can enter the rootless build namespace (<see cref="RootlessBuildLine"/>).</param>
    public static void Write(TextWriter output, HostReport report, string rootlessBuild)
    {
        Table.Write(output, ["HOST", report.KernelRelease + " (uid " + report.EffectiveUid.ToString(CultureInfo.InvariantCulture) + ")"],
        [
            ["sandbox", (report.SandboxDriverAvailable ? "available: " : "unavailable: ") + report.SandboxDriverReason],
            ["cgroups", Cgroups(report.Cgroups)],
            ["limits", Limits(report.CgroupPlacement)],
            ["userns", (report.UserNamespaces.Available ? "yes: " : "no: ") + report.UserNamespaces.Reason],
            ["rootless", rootlessBuild],
            ["vm", (report.Vm.DriverAvailable ? "available: " : "unavailable: ") + report.Vm.DriverReason],
            ["accelerator", report.Vm.Accelerator.ToString().ToLowerInvariant() + ": " + report.Vm.AcceleratorReason],
            ["criu", report.Criu.Detail],
            ["gpus", report.GpuSummary],
        ]);
        output.WriteLine();
        Table.Write(output, ["RUNTIME", "VERSION", "STATUS", "PATH"], report.Runtimes.Select(r => (IReadOnlyList<string>)
        [
            r.Name, r.Version ?? "-", r.Works ? "works" : "fails: " + r.Error, r.Path ?? "-",
        ]));
        output.WriteLine();
        Table.Write(output, ["TOOL", "VERSION", "PATH"], report.Tools.Select(t => (IReadOnlyList<string>)
        [
            t.Name, t.Version ?? "-", t.Path ?? $"not found (Debian package {t.Package})",
        ]));
    }

    /// <summary>For an ordinary user: the subordinate ids the build namespace maps, or what is missing and how to add it.</summary>
    public static string RootlessBuildLine(bool isRoot, BuildNamespaceProbe probe) => (isRoot, probe) switch
    {
        (true, _) => "not needed: vse runs as root",
        (_, { Namespace: { } ns }) => $"yes: builds map image ids 1-{BuildNamespace.MappedIds} to subordinate uids from {ns.Uids.Start} and gids from {ns.Gids.Start} (newuidmap, newgidmap)",
        _ => "no: builds cannot enter the build namespace: " + probe.Problem,
    };

    /// <summary>Where instances' cgroups go and which limits they get: "v2 /sys/fs/cgroup/vse: cpu,io,memory,pids".</summary>
    private static string Limits(CgroupPlacement placement)
    {
        if (placement.Path is null)
        {
            return "none: " + placement.Reason;
        }

        var where = placement.V2Directory is { } directory
            ? (placement.Delegated ? "v2, delegated: " : "v2: ") + directory
            : "v1: /sys/fs/cgroup/CONTROLLER" + placement.Path;
        var limits = placement.Controllers.Count > 0 ? string.Join(",", placement.Controllers) : "no controllers";
        // v2: launched instances without a memory limit have no memory group of their own (docs/runtime.md, "Scale").
        var unlimited = placement is { SharedMemoryDirectory: { } shared, SharedMemoryControllers: { } sharedControllers }
            ? $"; without a memory limit (vse-launch): {shared}/ID with {(sharedControllers.Count > 0 ? string.Join(",", sharedControllers) : "no controllers")}"
            : "";
        return $"{where}/ID with {limits}{unlimited}" + (placement.Reason is { } reason ? $" ({reason})" : "");
    }

    private static string Cgroups(CgroupReport cgroups)
    {
        var v1 = cgroups.V1Controllers.Count > 0 ? "v1 controllers " + string.Join(",", cgroups.V1Controllers) : null;
        var v2 = cgroups.V2MountPoint is { } mount
            ? $"v2 at {mount} " + (cgroups.V2Controllers.Count > 0 ? "with " + string.Join(",", cgroups.V2Controllers) : "without controllers")
            : null;
        var parts = new[] { v1, v2 }.OfType<string>().ToList();
        return cgroups.Layout.ToString().ToLowerInvariant() + (parts.Count > 0 ? ": " + string.Join("; ", parts) : "");
    }
}
