using System.Text.RegularExpressions;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Runtime.Host;

/// <summary>
/// The host's dynamic linker cache as <c>ldconfig -p</c> prints it: where a packaged library (the
/// GPU driver's, the site's MPI) is registered, so finding host libraries the way the linker would
/// starts here. Read below a host root, so tests give a fake tree and a listing of their own.
/// </summary>
public static partial class LinkerCache
{
    /// <summary>What <c>ldconfig -p</c> prints on this host; empty when ldconfig is missing or fails.</summary>
    public static async Task<string> ListHostAsync(CancellationToken cancellationToken)
    {
        if (ExternalTool.Find("ldconfig") is not { } ldconfig)
        {
            return "";
        }

        var result = await ExternalTool.RunUncheckedAsync(ldconfig, ["-p"], cancellationToken);
        return result.ExitCode == 0 ? result.Stdout : "";
    }

    /// <summary>The 64-bit entries of a listing, in its order: the name the linker finds (the soname) and the host path.</summary>
    public static IEnumerable<(string Name, string Path)> Entries64(string listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        foreach (var line in listing.Split('\n'))
        {
            // "\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1"
            if (CacheLine().Match(line) is { Success: true } match && match.Groups["flags"].Value.Contains("x86-64", StringComparison.Ordinal))
            {
                yield return (match.Groups["name"].Value, match.Groups["path"].Value.Trim());
            }
        }
    }

    /// <summary>
    /// The regular file a host path (as the host names it) leads to, canonical and inside the host
    /// root, or null: a link out of a fake tree, or to nothing, is not taken.
    /// </summary>
    public static string? ResolveRegularFile(string root, string hostPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(hostPath);
        if (!hostPath.StartsWith('/'))
        {
            return null;
        }

        var path = root == "/" ? hostPath : Path.Combine(root, hostPath.TrimStart('/'));
        if (RealPath.Of(path) is not { } real || Nodes.TryGetStatus(real)?.Type != NodeType.RegularFile)
        {
            return null;
        }

        var inside = root == "/" || real.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);
        return inside ? real : null;
    }

    [GeneratedRegex(@"^\s+(?<name>\S+)\s+\((?<flags>[^)]*)\)\s+=>\s+(?<path>.+)$")]
    private static partial Regex CacheLine();
}
