using Vse.Build.Processes;

namespace Vse.Build.Exports;

/// <summary>The <c>dir</c> export: a copy of the tree.</summary>
internal static class DirectoryExport
{
    public static async Task WriteAsync(string rootfs, string output, CancellationToken cancellationToken)
    {
        var cp = ExternalTool.Require("cp", "coreutils");

        // cp -a keeps owners, modes, times, symlinks, hard links within the tree, xattrs and
        // device nodes; --reflink=auto shares extents on btrfs/xfs instead of copying them.
        // -T makes the output the copy of the tree itself, never a subdirectory of it.
        await ExternalTool.RunAsync(cp, ["-a", "--reflink=auto", "-T", "--", rootfs, output], cancellationToken);
    }
}
