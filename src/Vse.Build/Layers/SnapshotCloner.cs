using Vse.Build.Rootless;
using Vse.Host.Processes;

namespace Vse.Build.Layers;

/// <summary>
/// Makes the starting point of a new layer: a clone of the parent's tree in which directories
/// are new and files are hard links to the parent's. A clone costs one inode entry per file,
/// not a copy of its data, and every layer stays a complete root filesystem that exports and
/// the runtime use as it is. Steps must replace files, never write into them (see
/// <see cref="FileSystem.ImageRoot"/> and <see cref="UpperDirectoryApplier"/>).
/// </summary>
public static class SnapshotCloner
{
    public static Task CloneAsync(string parent, string destination, CancellationToken cancellationToken) =>
        CloneAsync(parent, destination, hardLinks: true, cancellationToken);

    /// <param name="hardLinks">False copies the files' data instead: for a parent whose files the user may not link (a root-owned site layer).</param>
    public static async Task CloneAsync(string parent, string destination, bool hardLinks, CancellationToken cancellationToken)
    {
        var cp = ExternalTool.Require("cp", "coreutils");
        // cp -a copies the top directory's own metadata too; "parent/." copies its content into destination.
        // -a implies --no-dereference: a symlink in the layer is linked as a link, never followed.
        Directory.CreateDirectory(destination);
        // In the build namespace a copy of a site layer's files is the user's, as an ordinary user's
        // copy on the host is: the site's owners show there as the overflow uid 65534, which is
        // also the image's own nobody (a mapped id), so preserving them would hand the copy to nobody.
        string[] mode = hardLinks ? ["-a", "--link"] : BuildNamespace.IsInside ? ["-a", "--no-preserve=ownership"] : ["-a"];
        await ExternalTool.RunAsync(cp, [.. mode, "--no-target-directory", parent + "/.", destination], cancellationToken);
    }
}
