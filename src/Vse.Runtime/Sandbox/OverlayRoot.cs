using Vse.Build.Processes;

namespace Vse.Runtime.Sandbox;

/// <summary>
/// An instance's root: an overlay with the configuration as the read-only lower directory and
/// an upper and work directory in the instance's state directory, so the configuration (shared
/// by hard links with other layers) is never written to.
/// <para>
/// It is mounted in the host's mount namespace with <c>mount(8)</c> for now. The bulk-launch
/// measurements (shared/reference/bulk-launch.md) show why that must change for large
/// deployments: every runc start copies the launcher's whole mount table, so 1,000 overlays on
/// the host make each start 2.5x slower, and a killed vse leaves mounts behind. The plan is
/// to mount each overlay in a private mount namespace that disappears with the instance.
/// </para>
/// </summary>
internal sealed record OverlayRoot(string Lower, string StateDirectory)
{
    public string Upper => Path.Combine(StateDirectory, "upper");

    public string Work => Path.Combine(StateDirectory, "work");

    public string Merged => Path.Combine(StateDirectory, "rootfs");

    public async Task MountAsync(CancellationToken cancellationToken)
    {
        foreach (var path in new[] { Lower, Upper, Work })
        {
            // overlayfs splits its options at commas and lower directories at colons; such a
            // path would silently mean something else.
            if (path.IndexOfAny([',', ':', '\\']) >= 0)
            {
                throw new ArgumentException($"the path '{path}' cannot be used in an overlay (it contains ',', ':' or '\\')");
            }
        }

        Directory.CreateDirectory(Upper);
        Directory.CreateDirectory(Work);
        Directory.CreateDirectory(Merged);
        var mount = ExternalTool.Require("mount", "mount");
        await ExternalTool.RunAsync(
            mount,
            ["-t", "overlay", "overlay", "-o", $"lowerdir={Lower},upperdir={Upper},workdir={Work}", Merged],
            cancellationToken);
    }

    /// <summary>Unmounts the merged root if it is mounted; doing it twice is not an error.</summary>
    public async Task UnmountAsync(CancellationToken cancellationToken)
    {
        if (!await MountTable.IsMountedAsync(Merged, cancellationToken))
        {
            return;
        }

        await ExternalTool.RunAsync(ExternalTool.Require("umount", "mount"), [Merged], cancellationToken);
    }
}
