using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Exports;

/// <summary>Checks the source tree and the destination before any work starts.</summary>
internal static class ExportPaths
{
    /// <summary>The absolute path of the root filesystem, with a final symlink resolved.</summary>
    public static string RequireRootfs(string rootfs)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootfs));
        var directory = new DirectoryInfo(full);
        if (!directory.Exists)
        {
            throw new DirectoryNotFoundException($"root filesystem '{rootfs}' is not a directory");
        }

        // The tools are handed the real directory: cp -a, given a symlink, would copy the link.
        return directory.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
    }

    /// <summary>
    /// The absolute destination path, its parent created. Refuses a destination that overlaps the
    /// source: writing inside the tree would archive the archive, and replacing an ancestor
    /// of the tree would delete the tree.
    /// </summary>
    public static string PrepareDestination(string rootfs, ExportTarget target, bool isDirectory)
    {
        var destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target.Path));
        if (IsSameOrInside(destination, rootfs) || IsSameOrInside(rootfs, destination))
        {
            throw new InvalidExportTargetException(target, $"the destination overlaps the root filesystem '{rootfs}'");
        }

        var existing = Nodes.TryGetStatus(destination);
        if (existing is not null && !existing.IsSymlink && existing.IsDirectory != isDirectory)
        {
            throw new InvalidExportTargetException(
                target,
                isDirectory
                    ? "it exists and is not a directory"
                    : $"it is a directory; the {ExportTarget.Name(target.Format)} export writes a file");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        return destination;
    }

    private static bool IsSameOrInside(string path, string directory) =>
        path == directory || path.StartsWith(directory == "/" ? "/" : directory + "/", StringComparison.Ordinal);
}
