using System.Text.RegularExpressions;
using Vse.Host.Processes;

namespace Vse.Runtime.Host;

/// <summary>The external tools vse uses, found the way vse finds them when it runs them (<see cref="ExternalTool.Find"/>).</summary>
public static partial class Tools
{
    /// <summary>How to ask one tool for its version; null arguments: it has no cheap way.</summary>
    private sealed record Known(string Name, string Package, string[]? VersionArguments);

    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(5);

    private static readonly Known[] All =
    [
        new("mmdebstrap", "mmdebstrap", null),
        new("bwrap", "bubblewrap", ["--version"]),
        new("unshare", "util-linux", ["--version"]),
        new("mksquashfs", "squashfs-tools", ["-version"]),
        new("mkfs.ext4", "e2fsprogs", ["-V"]),
        new("qemu-img", "qemu-utils", ["--version"]),
        new("qemu-system-x86_64", "qemu-system-x86", ["--version"]),
        new("criu", "criu", ["--version"]),
        new("newuidmap", "uidmap", null),
        new("newgidmap", "uidmap", null),
        new("busybox", "busybox-static", null),
        new("skopeo", "skopeo", ["--version"]),
        new("umoci", "umoci", ["--version"]),
    ];

    /// <summary>Every known tool, version commands run concurrently.</summary>
    public static async Task<IReadOnlyList<ToolReport>> InspectAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(All.Select(tool => InspectAsync(tool, cancellationToken)));

    /// <summary>The version a <c>--version</c>-style command prints, or null when it fails or hangs.</summary>
    public static async Task<string?> VersionOfAsync(string path, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await HostCommand.RunAsync(path, arguments, VersionTimeout, cancellationToken);
        return result is null ? null : HostCommand.VersionIn(result.Stdout + "\n" + result.Stderr);
    }

    private static async Task<ToolReport> InspectAsync(Known tool, CancellationToken cancellationToken)
    {
        var path = ExternalTool.Find(tool.Name);
        if (path is null)
        {
            return new ToolReport(tool.Name, null, null, tool.Package);
        }

        var version = tool.Name == "mmdebstrap"
            ? await PerlScriptVersionAsync(path, cancellationToken)
            : tool.VersionArguments is { } arguments ? await VersionOfAsync(path, arguments, cancellationToken) : null;
        return new ToolReport(tool.Name, path, version, tool.Package);
    }

    // `mmdebstrap --version` takes ~1-2 s (perl loads every module first); the script declares
    // its version near the top, which reads in microseconds.
    private static async Task<string?> PerlScriptVersionAsync(string path, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        for (var i = 0; i < 100 && await reader.ReadLineAsync(cancellationToken) is { } line; i++)
        {
            if (PerlVersion().Match(line) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\s*our\s+\$VERSION\s*=\s*['""]([^'""]+)['""]", RegexOptions.CultureInvariant)]
    private static partial Regex PerlVersion();
}
