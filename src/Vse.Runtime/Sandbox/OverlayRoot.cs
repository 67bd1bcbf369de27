using Vse.Runtime.Oci;

namespace Vse.Runtime.Sandbox;

/// <summary>
/// An instance's root: an overlay with the configuration as the read-only lower directory and
/// an upper and work directory in the instance's state directory, so the configuration (shared
/// by hard links with other layers) is never written to.
/// <para>
/// The runtime mounts it, as the first mount of the bundle, over the empty <see cref="Rootfs"/>
/// inside the instance's own mount namespace (and user namespace, when rootless). The host's
/// mount table never holds it: runc copies the launcher's whole mount table on every start, so
/// 1,000 overlays on the host make each start 2.5x slower (docs/host-facts.md);
/// a killed vse cannot leave it behind; and an unprivileged user can mount it at all.
/// </para>
/// </summary>
internal sealed record OverlayRoot(string Lower, string StateDirectory)
{
    public string Upper => Path.Combine(StateDirectory, "upper");

    public string Work => Path.Combine(StateDirectory, "work");

    /// <summary>The bundle's root directory: empty on the host; the overlay covers it inside.</summary>
    public string Rootfs => Path.Combine(StateDirectory, "rootfs");

    /// <summary>Creates the directories the overlay needs and returns its mount for the bundle.</summary>
    /// <param name="userNamespace">
    /// Inside a user namespace overlayfs keeps its metadata in <c>user.*</c> extended attributes
    /// (<c>userxattr</c>); without it, removing a lower directory fails with EIO.
    /// </param>
    /// <param name="discarded">
    /// The upper directory is deleted when the instance ends and never mounted again (a one-shot
    /// run): the overlay is <c>volatile</c>, so its unmount, when the instance's last process
    /// exits, does not sync the file system that holds the upper directory first. That sync made
    /// every run wait for the host disk's journal (docs/runtime.md, "run").
    /// </param>
    public OciMount Prepare(bool userNamespace, bool discarded = false)
    {
        MakeLayers();
        Directory.CreateDirectory(Rootfs);
        // nodev: a device node the image carries (a base tar may hold dev/mem 0666) opens nothing;
        // the instance's devices are the runtime's, on its own /dev tmpfs. Where no devices cgroup
        // filters opens (cgroup v2 without a device program), this is what stops them.
        return new OciMount("/", "overlay", "overlay",
            ["nodev", $"lowerdir={Lower}", $"upperdir={Upper}", $"workdir={Work}", .. userNamespace ? new[] { "userxattr" } : [], .. discarded ? new[] { "volatile" } : []]);
    }

    /// <summary>
    /// Checks the paths and creates the overlay's upper and work directories, nothing else: what
    /// an instance needs whose runtime mounts the overlay where it chooses. The bulk launcher
    /// attaches it to its template's <c>/root</c> and makes <see cref="Rootfs"/> itself only when
    /// it pivots instead; one directory less per instance is one ext4 directory inode less to
    /// allocate at deploy and to free at cleanup (bench/RESULTS.md, "scale5").
    /// </summary>
    public void MakeLayers()
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
    }
}
