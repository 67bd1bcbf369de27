using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Support;

/// <summary>
/// A small tree whose symlinks lead out of it in every way an image can hold: <c>root -> /</c>,
/// <c>tmp -> /tmp</c>, <c>share -> /usr/share</c> and <c>a/b/up -> ../../../..</c> (the host's
/// root from where the tree lives). Beside it, in the host's /tmp, a canary file with a unique
/// name and a large apparent size (sparse: it costs no disk): a walk that followed a link
/// would count it, copy it or show its name. Its own regular files hold exactly
/// <see cref="OwnBytes"/> bytes.
/// </summary>
internal sealed class HostEscapingTree : IDisposable
{
    /// <summary>The canary's apparent size: far above anything the tree itself holds.</summary>
    public const long CanaryBytes = 256L * 1024 * 1024;

    public const long OwnBytes = 11 + 5;

    public static readonly string[] EscapingLinks = ["root", "tmp", "share", "a/b/up"];

    private HostEscapingTree(TempDirectory work, string root, string canary)
    {
        Work = work;
        Root = root;
        Canary = canary;
    }

    public TempDirectory Work { get; }

    /// <summary>The tree (an image's root filesystem).</summary>
    public string Root { get; }

    /// <summary>The canary's path in the host's /tmp.</summary>
    public string Canary { get; }

    public string CanaryName => Path.GetFileName(Canary);

    public static HostEscapingTree Create()
    {
        var work = new TempDirectory();
        var root = work.CreateDirectory("rootfs");
        File.WriteAllText(Path.Combine(root, "hello.txt"), "hello world");
        Directory.CreateDirectory(Path.Combine(root, "a/b"));
        File.WriteAllText(Path.Combine(root, "a/b/file"), "12345");
        File.CreateSymbolicLink(Path.Combine(root, "root"), "/");
        File.CreateSymbolicLink(Path.Combine(root, "tmp"), "/tmp");
        File.CreateSymbolicLink(Path.Combine(root, "share"), "/usr/share");
        File.CreateSymbolicLink(Path.Combine(root, "a/b/up"), "../../../..");
        var canary = CreateCanary();
        return new HostEscapingTree(work, root, canary);
    }

    /// <summary>A sparse file in /tmp named <c>vse-canary-GUID</c>; its name is also its only content.</summary>
    public static string CreateCanary()
    {
        var canary = Path.Combine("/tmp", "vse-canary-" + Guid.NewGuid().ToString("N"));
        using (var stream = new FileStream(canary, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(Path.GetFileName(canary)));
            stream.SetLength(CanaryBytes);
        }

        return canary;
    }

    /// <summary>Fails the test unless the canary is still there, untouched.</summary>
    public void AssertCanaryIntact()
    {
        var status = Nodes.TryGetStatus(Canary);
        Assert.NotNull(status);
        Assert.Equal(CanaryBytes, status.Size);
    }

    public void Dispose()
    {
        File.Delete(Canary);
        Work.Dispose();
    }
}
