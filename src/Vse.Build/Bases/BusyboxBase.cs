using Vse.Build.Digests;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Build.Bases;

/// <summary>
/// <c>busybox</c>: Debian's statically linked busybox and a symlink per applet, plus the
/// directories and account files a sandbox expects. The binary is the host's
/// <c>/bin/busybox</c> from busybox-static; when absent it is fetched with <c>apt-get download</c>.
/// </summary>
/// <param name="digests">Where the binary's digest is remembered by its stat; null: hashed every time.</param>
public sealed class BusyboxBase(string scratchDirectory, FileDigestCache? digests = null) : IBaseProvider
{
    /// <summary>The host's binary, used when present: what the base's identity is read from.</summary>
    public const string HostBinary = "/bin/busybox";
    private string? _binary;

    public async Task<string> IdentityAsync(CancellationToken cancellationToken) =>
        "busybox:" + await ContentDigest.OfFileAsync(await BinaryAsync(cancellationToken), digests, cancellationToken);

    public async Task CreateAsync(string rootfs, Action<string>? onOutputLine, CancellationToken cancellationToken)
    {
        var binary = await BinaryAsync(cancellationToken);
        var root = new ImageRoot(rootfs);
        foreach (var directory in new[] { "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/etc", "/root", "/home", "/var", "/run", "/dev", "/proc", "/sys", "/opt" })
        {
            root.CreateDirectory(directory, cancellationToken: cancellationToken);
        }

        root.CreateDirectory("/tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute
            | UnixFileMode.StickyBit, cancellationToken: cancellationToken);
        await using (var content = File.OpenRead(binary))
        {
            await root.WriteFileAsync("/bin/busybox", content, (UnixFileMode)0b111_101_101, ImageOwner.Root, cancellationToken);
        }

        var applets = await ExternalTool.RunAsync(binary, ["--list-full"], cancellationToken);
        foreach (var applet in applets.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (applet != "bin/busybox" && root.TryGetStatus("/" + applet, cancellationToken) is null)
            {
                root.Symlink("/bin/busybox", "/" + applet, cancellationToken);
            }
        }

        await root.WriteFileAsync("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"u8.ToArray(), cancellationToken: cancellationToken);
        await root.WriteFileAsync("/etc/group", "root:x:0:\nnogroup:x:65534:\n"u8.ToArray(), cancellationToken: cancellationToken);
        await root.WriteFileAsync("/etc/hostname", "vse\n"u8.ToArray(), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The static busybox binary: the host's, else one fetched into the scratch directory (once per
    /// instance). The VM initramfs carries the same binary.
    /// </summary>
    public async Task<string> BinaryAsync(CancellationToken cancellationToken)
    {
        if (_binary is not null)
        {
            return _binary;
        }

        if (File.Exists(HostBinary))
        {
            return _binary = HostBinary;
        }

        // Not installed: fetch the package without installing it (works unprivileged too).
        var apt = ExternalTool.Require("apt-get", "apt");
        var dpkgDeb = ExternalTool.Require("dpkg-deb", "dpkg");
        var download = Path.Combine(scratchDirectory, "busybox-static-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(download);
        await ExternalTool.RunAsync(apt, ["download", "busybox-static"], cancellationToken, workingDirectory: download);
        var deb = Directory.EnumerateFiles(download, "*.deb").Single();
        await ExternalTool.RunAsync(dpkgDeb, ["-x", deb, Path.Combine(download, "x")], cancellationToken);
        return _binary = Path.Combine(download, "x", "bin", "busybox");
    }
}
