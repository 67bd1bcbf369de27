using Vse.Host.Processes;
using Vse.Runtime.Drivers;

namespace Vse.Runtime.Oci;

/// <summary>
/// Finds the OCI runtimes installed (crun, runc) and really runs a container with each: being
/// installed is not enough (crun 1.8 refuses hybrid cgroup hosts, rootless setups fail in ways
/// only a run shows). The probe bundle holds one static program vse ships, the bulk launcher
/// (<c>vse-launch probe</c> exits 0), so probing needs nothing the site did not install; without
/// it (a vse built without native/), a static busybox running <c>true</c>.
/// </summary>
public static class OciRuntimeProbe
{
    /// <summary>The runtimes vse knows, in order of preference: crun starts containers about twice as fast.</summary>
    public static readonly IReadOnlyList<string> KnownRuntimes = ["crun", "runc"];

    private const string BusyboxBinary = "/bin/busybox";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Probes every known runtime.</summary>
    public static async Task<IReadOnlyList<OciRuntimeProbeResult>> ProbeAllAsync(CancellationToken cancellationToken)
    {
        var results = new List<OciRuntimeProbeResult>();
        foreach (var name in KnownRuntimes)
        {
            results.Add(await ProbeAsync(name, cancellationToken));
        }

        return results;
    }

    /// <summary>
    /// The runtime to use: <paramref name="preferredName"/> when given (and it works), otherwise
    /// the first known runtime that works.
    /// </summary>
    public static Task<OciRuntime> SelectAsync(string? preferredName, CancellationToken cancellationToken) =>
        SelectAsync(preferredName, null, cancellationToken);

    /// <summary>
    /// <see cref="SelectAsync(string?, CancellationToken)"/>, taking remembered outcomes from
    /// <paramref name="cache"/> where they are still valid (no probe container then).
    /// </summary>
    public static async Task<OciRuntime> SelectAsync(string? preferredName, OciRuntimeProbeCache? cache, CancellationToken cancellationToken)
    {
        if (preferredName is not null)
        {
            var probe = await ProbeAsync(preferredName, cache, cancellationToken);
            return probe.Runtime ?? throw new OciRuntimeUnavailableException(
                $"the OCI runtime '{preferredName}' does not work here: {probe.Error}", [probe]);
        }

        var probes = new List<OciRuntimeProbeResult>();
        foreach (var name in KnownRuntimes)
        {
            var probe = await ProbeAsync(name, cache, cancellationToken);
            if (probe.Runtime is { } runtime)
            {
                return runtime;
            }

            probes.Add(probe);
        }

        throw new OciRuntimeUnavailableException(
            "no OCI runtime works here: " + string.Join("; ", probes.Select(p => $"{p.Name}: {p.Error}")), probes);
    }

    private static Task<OciRuntimeProbeResult> ProbeAsync(string name, OciRuntimeProbeCache? cache, CancellationToken cancellationToken) =>
        cache is null ? ProbeAsync(name, cancellationToken) : cache.ProbeAsync(name, cancellationToken);

    /// <summary>Runs a probe container with <paramref name="name"/>, whatever any cache remembers.</summary>
    public static async Task<OciRuntimeProbeResult> ProbeAsync(string name, CancellationToken cancellationToken)
    {
        var path = ExternalTool.Find(name);
        if (path is null)
        {
            return new OciRuntimeProbeResult(name, null, false, $"not installed (Debian package {name})");
        }

        if (ProbeProgram() is not { } program)
        {
            return new OciRuntimeProbeResult(name, path, false, $"cannot probe: neither vse-launch (built with vse) nor {BusyboxBinary} (Debian package busybox-static) is here") { Conclusive = false };
        }

        var scratch = Directory.CreateTempSubdirectory("vse-probe-").FullName;
        var id = "vse-probe-" + Guid.NewGuid().ToString("N")[..12];
        var stateRoot = Path.Combine(scratch, "state");
        try
        {
            await CreateBundleAsync(scratch, id, program, cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            var result = await ExternalTool.RunUncheckedAsync(path, ["--root", stateRoot, "run", "--bundle", scratch, id], timeout.Token);
            return result.ExitCode == 0
                ? new OciRuntimeProbeResult(name, path, true, null)
                : new OciRuntimeProbeResult(name, path, false, RuntimeErrors.OneLine(result.Stderr.Length > 0 ? result.Stderr : result.Stdout, result.ExitCode));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new OciRuntimeProbeResult(name, path, false, $"a probe container did not finish within {ProbeTimeout.TotalSeconds:0} s") { Conclusive = false };
        }
        finally
        {
            // A failed run can leave the container record behind; delete it before the directory.
            await ExternalTool.RunUncheckedAsync(path, ["--root", stateRoot, "delete", "--force", id], CancellationToken.None);
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>A static program and the arguments that make it exit 0 at once: vse's own launcher first, else busybox.</summary>
    private static (string Binary, IReadOnlyList<string> Args)? ProbeProgram() =>
        Host.BundledTool.Launcher() is { } launcher ? (launcher, ["probe"])
        : File.Exists(BusyboxBinary) ? (BusyboxBinary, ["true"])
        : null;

    private static async Task CreateBundleAsync(string bundle, string id, (string Binary, IReadOnlyList<string> Args) program, CancellationToken cancellationToken)
    {
        var bin = Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "bin")).FullName;
        // Under its own name: busybox picks its applet from argv[1] only when called busybox.
        var name = Path.GetFileName(program.Binary);
        File.Copy(program.Binary, Path.Combine(bin, name));
        var spec = new InstanceSpec(id, "vse-probe", Path.Combine(bundle, "rootfs"), bundle,
            new Dictionary<string, string> { ["PATH"] = "/bin" }, [], null, null, NetworkMode.None, []);
        OciSpecBuilder.Write(OciSpecBuilder.Build(spec, "rootfs", ["/bin/" + name, .. program.Args], cgroups: null, rootless: RootlessIdentity.OfThisProcess()), bundle);
    }
}
