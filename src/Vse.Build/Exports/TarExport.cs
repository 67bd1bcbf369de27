using Vse.Build.Layers;
using Vse.Build.Reproducible;
using Vse.Host.Processes;

namespace Vse.Build.Exports;

/// <summary>
/// The <c>tar</c> export, and the layer of the <c>oci</c> export: GNU tar of the tree with
/// members named <c>./…</c>.
/// </summary>
internal static class TarExport
{
    public static async Task WriteAsync(string rootfs, string output, CancellationToken cancellationToken)
    {
        var tar = ExternalTool.Require("tar", "tar");
        await ExternalTool.RunAsync(
            tar,
            ["--create", "--file", output, "--directory", rootfs, .. ArchiveOptions, "."],
            cancellationToken,
            environment: ToolEnvironment.CLocale);
    }

    /// <summary>How vse's tars record a tree: also the layers <c>vse push</c> sends (Registry/DiffLayerWriter).</summary>
    internal static readonly string[] ArchiveOptions =
    [
        // POSIX (pax) format: the only one that carries xattrs, long names and sub-second times.
        "--format=posix",

        // All namespaces, security.capability and system.posix_acl_* included. No --acls:
        // tar 1.34 writes ACLs as text with the host's user names even with
        // --numeric-owner, while the raw system.posix_acl_* attributes keep numeric ids.
        "--xattrs",

        // Except overlayfs's own (the upper directory of a step keeps trusted.overlay.origin, a
        // binary file handle of the build host's disk): they mean nothing outside that overlay,
        // and a value with a newline byte makes .NET's TarReader refuse the whole archive
        // ("The extended header contains invalid records"), so a tar: base of the export failed at random.
        // Layers built by this vse hold none (UpperDirectoryApplier); older layers and rootfs: bases may.
        .. OverlayMarkers.PrivateAttributePrefixes.Select(prefix => "--xattrs-exclude=" + prefix + "*"),

        // Sorted names, numeric owners, fixed times (ReproducibleTree).
        .. ReproducibleTree.TarArguments,

        // tar archives a symlink as a link (it follows one only with --dereference, never
        // given here), so an image's "s -> /" stays a link; and it stays in the tree's
        // file system, as every walk of an image does.
        "--one-file-system",
    ];
}
