using Vse.Host.FileSystem;

namespace Vse.Build.FileSystem;

/// <summary>
/// Resolves image paths to host paths the way the kernel resolves paths in a chroot (or with
/// openat2's RESOLVE_IN_ROOT): component by component, following symlinks, where an absolute
/// link target starts again at the image root and <c>..</c> at the root stays at the root.
/// The resolution is done in user space with lstat/readlink, so it assumes nobody else changes
/// the tree while a build step runs; the build owns the tree it is writing.
/// </summary>
internal sealed class PathResolver(string rootHostPath, int maxSymlinkHops)
{
    /// <param name="originalPath">The path as given, for error messages.</param>
    /// <param name="normalizedPath">The path after <see cref="ImagePath.Normalize"/>.</param>
    /// <param name="followFinalSymlink">False to resolve the final component's symlink as itself.</param>
    public string Resolve(string originalPath, string normalizedPath, bool followFinalSymlink, CancellationToken cancellationToken)
    {
        var pending = new Stack<string>();
        PushSegments(pending, normalizedPath);
        var resolved = new List<string>();
        var hops = 0;
        while (pending.TryPop(out var segment))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                // Only reachable through a symlink target (the given path is already normalized):
                // the root is its own parent, as in a chroot.
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var isFinal = pending.Count == 0;
            var candidate = HostPathOf(resolved, segment);
            if (isFinal && !followFinalSymlink)
            {
                resolved.Add(segment);
                break;
            }

            var status = Nodes.TryGetStatus(candidate);
            if (status is null || !status.IsSymlink)
            {
                // A missing node cannot be a symlink, nor can anything below it exist.
                resolved.Add(segment);
                continue;
            }

            if (++hops > maxSymlinkHops)
            {
                throw new SymlinkLoopException(originalPath, maxSymlinkHops);
            }

            var target = new FileInfo(candidate).LinkTarget
                ?? throw new IOException($"'{candidate}' stopped being a symlink while it was resolved");
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            PushSegments(pending, target);
        }

        var hostPath = resolved.Count == 0 ? rootHostPath : rootHostPath + "/" + string.Join('/', resolved);
        if (hostPath != rootHostPath && !hostPath.StartsWith(rootHostPath + "/", StringComparison.Ordinal))
        {
            // Cannot happen by construction; kept so that a future change cannot silently escape.
            throw new UnsafePathException(originalPath, $"resolved outside the image root to '{hostPath}'");
        }

        return hostPath;
    }

    private string HostPathOf(List<string> resolved, string segment) =>
        resolved.Count == 0
            ? rootHostPath + "/" + segment
            : rootHostPath + "/" + string.Join('/', resolved) + "/" + segment;

    private static void PushSegments(Stack<string> pending, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            pending.Push(segments[i]);
        }
    }
}
