using Vse.Build.Exports;
using Vse.Description.Model;
using Vse.Host.Processes;

namespace Vse.Build.Registry;

/// <summary>
/// The OCI distribution protocol through skopeo (Debian's, a standard tool; docs/registry.md
/// says why not a .NET library): every blob it fetches is checked against its digest, and a
/// blob the registry already holds is not sent again (it asks first, by digest).
/// </summary>
/// <param name="verifyTls">
/// False: plain HTTP, or HTTPS without checking the certificate (skopeo's <c>--tls-verify=false</c>).
/// Null: verify, except for a loopback registry, where plain HTTP is the norm (Docker's rule).
/// </param>
internal sealed class Skopeo(bool? verifyTls)
{
    private const string Package = "skopeo";

    /// <summary>skopeo's logging prefix of the message it ends on (under <c>--debug</c> many lines follow the one that matters).</summary>
    private const string FatalLevel = "level=fatal";

    /// <summary>A process killed by signal N ends with status 128 + N (as the shell reports it, and .NET too).</summary>
    private const int SignalExitBase = 128;

    /// <summary>The digest of the manifest the reference names now (a tag moves; a digest does not).</summary>
    public async Task<string> ManifestDigestAsync(RegistryReference reference, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["inspect", "--format", "{{.Digest}}", TlsOption("--tls-verify", reference), reference.ToString()], reference, cancellationToken);
        var digest = result.Stdout.Trim();
        return digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length == 71
            ? digest
            : throw new RegistryFailureException($"{reference}: skopeo inspect gave no manifest digest ('{digest}')");
    }

    /// <summary>Pushes the OCI layout's image tagged <paramref name="tag"/>; returns the manifest digest the registry stored.</summary>
    public async Task<string> PushAsync(string layout, string tag, RegistryReference destination, Action<string>? onOutputLine, CancellationToken cancellationToken)
    {
        var digestFile = Path.Combine(layout, "pushed-digest");
        await RunAsync(
            // --debug: the only place skopeo says which blobs the registry already had ("Skipping blob …
            // (already present)"); those lines are told to onOutputLine too, and its caller picks.
            ["--debug", "copy", "--digestfile", digestFile, TlsOption("--dest-tls-verify", destination), $"oci:{layout}:{tag}", destination.ToString()],
            destination, cancellationToken, onOutputLine);
        return (await File.ReadAllTextAsync(digestFile, cancellationToken)).Trim();
    }

    /// <summary>Pulls the image into a new OCI layout, tagged <paramref name="tag"/>.</summary>
    public Task PullAsync(RegistryReference source, string layout, string tag, Action<string>? onOutputLine, CancellationToken cancellationToken) =>
        RunAsync(["copy", TlsOption("--src-tls-verify", source), source.ToString(), $"oci:{layout}:{tag}"], source, cancellationToken, onOutputLine);

    private string TlsOption(string option, RegistryReference reference) =>
        $"{option}={(verifyTls ?? !reference.IsLoopback ? "true" : "false")}";

    private static async Task<ExternalTool.Result> RunAsync(
        IEnumerable<string> arguments, RegistryReference reference, CancellationToken cancellationToken, Action<string>? onOutputLine = null)
    {
        var skopeo = ExternalTool.Require("skopeo", Package);

        // skopeo dies with vse (a parent-death signal set by setpriv, forked from a thread that
        // lives as long as skopeo): a killed `vse push` must not go on uploading behind the user's back.
        var setpriv = ExternalTool.Require("setpriv", "util-linux");
        var result = await ExternalTool.RunUncheckedAsync(
            setpriv, ["--pdeathsig", "KILL", "--", skopeo, .. arguments], cancellationToken, onOutputLine, ToolEnvironment.CLocale, forkFromOwnThread: true);
        if (result.ExitCode == 0)
        {
            return result;
        }

        // Killed (by the OOM killer, an administrator, a test): its last line is then some debug line, not why.
        var why = result.ExitCode > SignalExitBase && !result.Stderr.Contains(FatalLevel, StringComparison.Ordinal)
            ? $"skopeo was killed by signal {result.ExitCode - SignalExitBase} before it finished"
            : Why(result.Stderr);
        if (why.Contains("manifest unknown", StringComparison.OrdinalIgnoreCase) || why.Contains("name unknown", StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryImageNotFoundException(reference.ToString());
        }

        throw new RegistryFailureException($"{reference}: {why}");
    }

    /// <summary>skopeo's last fatal line, without its logging prefix: <c>time="…" level=fatal msg="…"</c>.</summary>
    private static string Why(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = lines.LastOrDefault(l => l.Contains(FatalLevel, StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? "skopeo failed";
        var message = line.IndexOf("msg=\"", StringComparison.Ordinal);
        return message < 0 ? line : line[(message + 5)..].TrimEnd('"').Replace("\\\"", "\"", StringComparison.Ordinal);
    }
}
