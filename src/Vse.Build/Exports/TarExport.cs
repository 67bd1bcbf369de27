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
            // Directory order depends on the file system; sorting makes the archive a function of the tree.
            ["--create", "--file", output, "--directory", rootfs, .. ArchiveOptions, "--sort=name", "."],
            cancellationToken,
            environment: ToolEnvironment.CLocale);
    }

    /// <summary>How vse's tars record a tree: also the layers <c>vse push</c> sends (Registry/DiffLayerWriter).</summary>
    internal static readonly string[] ArchiveOptions =
    [
        // POSIX (pax) format: the only one that carries xattrs, long names and sub-second times.
        "--format=posix",

        // atime and ctime change on every read, and the default pax header name holds the
        // process id: either would make two exports of one tree differ.
        "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",

        // Ids, not names: the image's /etc/passwd, not the host's, gives names to ids.
        "--numeric-owner",

        // All namespaces, security.capability and system.posix_acl_* included. No --acls:
        // tar 1.34 writes ACLs as text with the host's user names even with
        // --numeric-owner, while the raw system.posix_acl_* attributes keep numeric ids.
        "--xattrs",

        // tar archives a symlink as a link (it follows one only with --dereference, never
        // given here), so an image's "s -> /" stays a link; and it stays in the tree's
        // file system, as every walk of an image does.
        "--one-file-system",
    ];
}
