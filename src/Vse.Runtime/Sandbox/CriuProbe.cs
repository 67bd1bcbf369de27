using Vse.Host.Processes;

namespace Vse.Runtime.Sandbox;

/// <summary>
/// Asks CRIU whether it works on this host (<c>criu check</c>): being installed is not enough, as
/// CRIU follows kernel internals (CRIU 3.17 cannot parse the vDSO layout of 6.x kernels that have
/// a <c>[vvar_vclock]</c> area). It costs a process start (about 0.3 s), so it is run when a
/// checkpoint or restore is asked for, not whenever a driver is made.
/// </summary>
public static class CriuProbe
{
    private const string KernelRelease = "/proc/sys/kernel/osrelease";

    public static Task<CriuProbeResult> ProbeAsync(CancellationToken cancellationToken) =>
        ProbeAsync(ExternalTool.Find("criu"), cancellationToken);

    /// <param name="criu">The binary to ask, or null for "not installed".</param>
    internal static async Task<CriuProbeResult> ProbeAsync(string? criu, CancellationToken cancellationToken)
    {
        var kernel = File.Exists(KernelRelease) ? (await File.ReadAllTextAsync(KernelRelease, cancellationToken)).Trim() : "unknown";
        if (criu is null || !File.Exists(criu))
        {
            return new CriuProbeResult(null, null, kernel, false, "not installed");
        }

        var version = await ExternalTool.RunUncheckedAsync(criu, ["--version"], cancellationToken);
        var check = await ExternalTool.RunUncheckedAsync(criu, ["check"], cancellationToken);
        return new CriuProbeResult(
            criu,
            Version(version.Stdout),
            kernel,
            check.ExitCode == 0,
            check.ExitCode == 0 ? null : CriuLog.FirstError(check.Stderr) ?? FirstLine(check.Stderr, check.Stdout, check.ExitCode));
    }

    /// <summary>"Version: 3.17.1" (and, for builds from git, a "GitID:" line after it).</summary>
    internal static string? Version(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries)
            .FirstOrDefault(line => line.StartsWith("Version:", StringComparison.Ordinal))?["Version:".Length..].Trim();

    private static string FirstLine(string stderr, string stdout, int exitCode) =>
        (stderr + "\n" + stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? $"criu check failed with exit code {exitCode} and no message";
}
