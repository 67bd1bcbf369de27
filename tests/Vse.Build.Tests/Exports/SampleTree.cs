using Vse.Build.Exports;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Processes;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Exports;

/// <summary>
/// A small root filesystem with one of each thing an export must keep: modes (set-user-ID
/// included), a symlink with a short and one with a long target, a hard link, an empty
/// directory, a user xattr, and, when running as root, a file owned by uid 1234, a character
/// device and a file capability.
/// </summary>
internal sealed class SampleTree : IDisposable
{
    public const int OwnerId = 1234;
    public const string UserXattr = "user.vse.note";
    public const string LongLinkTarget = "etc/a-name-long-enough-that-ext4-cannot-keep-it-inside-the-inode/hostname";

    public const UnixFileMode Mode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    public const UnixFileMode Mode755 = Mode644 | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    public const UnixFileMode Mode750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    public const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode Mode700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static readonly ExportedImageConfig Config = new(
        "sample/app",
        "sha256:" + new string('a', 64),
        new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "8", ["GREETING"] = "hello world" },
        ["/usr/bin/tool", "--flag"],
        "/opt/app");

    private SampleTree(TempDirectory work, string root, bool privileged)
    {
        Work = work;
        Root = root;
        Privileged = privileged;
    }

    public TempDirectory Work { get; }

    /// <summary>The tree to export.</summary>
    public string Root { get; }

    /// <summary>Whether the owned file and the device node exist (they need root).</summary>
    public bool Privileged { get; }

    /// <summary>The owner of the tree's root (0 and 0 when root made it).</summary>
    public (uint Uid, uint Gid) RootIds => Nodes.TryGetStatus(Root) is { } status ? (status.Uid, status.Gid) : throw new DirectoryNotFoundException(Root);

    /// <summary>The owner of the tree's root as listings print it (<c>0/0</c>).</summary>
    public string RootOwner => $"{RootIds.Uid}/{RootIds.Gid}";

    /// <param name="rootMode">The mode of the tree's root, so exports can be seen to keep it.</param>
    public static async Task<SampleTree> CreateAsync(UnixFileMode rootMode = Mode750)
    {
        var work = new TempDirectory();
        var root = work.CreateDirectory("rootfs");
        var privileged = Environment.IsPrivilegedProcess;

        Write(root, "etc/hostname", "sample\n", Mode644);
        Write(root, "usr/bin/tool", "#!/bin/sh\necho tool\n", Mode755 | UnixFileMode.SetUser);
        Write(root, "root/secret", "s3cret\n", Mode600);
        Directory.CreateDirectory(Path.Combine(root, Path.GetDirectoryName(LongLinkTarget)!));
        Write(root, LongLinkTarget, "long\n", Mode644);
        File.CreateSymbolicLink(Path.Combine(root, "etc/motd"), "hostname");
        File.CreateSymbolicLink(Path.Combine(root, "long-link"), LongLinkTarget);
        await ExternalTool.RunAsync("ln", [Path.Combine(root, "etc/hostname"), Path.Combine(root, "etc/hostname.hard")], CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.SetUnixFileMode(Path.Combine(root, "empty"), Mode700);
        Directory.CreateDirectory(Path.Combine(root, "opt/app"));
        Xattrs.Set(Path.Combine(root, "etc/hostname"), UserXattr, "kept"u8.ToArray());
        if (privileged)
        {
            Xattrs.Set(Path.Combine(root, "usr/bin/tool"), "security.capability", Xattrs.NetRawCapability);
            var owned = Write(root, "owned", "mine\n", Mode644);
            await ExternalTool.RunAsync("chown", [$"{OwnerId}:{OwnerId}", owned], CancellationToken.None);
            Directory.CreateDirectory(Path.Combine(root, "dev"));
            await ExternalTool.RunAsync("mknod", ["-m", "666", Path.Combine(root, "dev/null"), "c", "1", "3"], CancellationToken.None);
        }

        File.SetUnixFileMode(root, rootMode);
        return new SampleTree(work, root, privileged);
    }

    /// <summary>A path for an export's output, outside the tree.</summary>
    public string Output(string name) => Work.Combine(name);

    /// <summary>Names beside the output that an export left behind (temporary names).</summary>
    public IReadOnlyList<string> Leftovers() =>
        Directory.EnumerateFileSystemEntries(Work.Path).Select(Path.GetFileName).Where(name => name!.Contains(".vse-", StringComparison.Ordinal)).ToList()!;

    public void Dispose() => Work.Dispose();

    private static string Write(string root, string relative, string content, UnixFileMode mode)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
