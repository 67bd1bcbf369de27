using Vse.Deploy.Online;

namespace Vse.Deploy.Tests.Online;

/// <summary>
/// What an online step's instance leaves in its upper directory that is the runtime's, not the
/// step's: mount points the runtime made where the parent layer had none.
/// </summary>
public sealed class CapturedChangesTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vse-captured-").FullName;

    private string Upper => Path.Combine(root, "upper");

    private string Parent => Path.Combine(root, "parent");

    public void Dispose() => Directory.Delete(root, recursive: true);

    private void Make(string relative, string? content = null)
    {
        var path = Path.Combine(root, relative);
        if (content is null)
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Fact]
    public void Empty_mount_points_the_parent_lacked_go_with_their_empty_new_parents()
    {
        Make("parent/etc");
        Make("upper/sys/fs/cgroup");
        Make("upper/etc/vse/hostfile", "");
        Make("upper/etc/kept", "step output");

        CapturedChanges.RemoveRuntimeMountPoints(Upper, Parent, ["/sys/fs/cgroup", "/etc/vse/hostfile"]);

        Assert.False(Directory.Exists(Path.Combine(Upper, "sys")));
        Assert.False(Directory.Exists(Path.Combine(Upper, "etc", "vse")));
        // /etc was in the parent: an upper copy of it is the step's (it holds a file the step wrote).
        Assert.True(File.Exists(Path.Combine(Upper, "etc", "kept")));
    }

    [Fact]
    public void What_the_step_wrote_at_a_mount_point_or_the_parent_had_stays()
    {
        Make("parent/proc");
        Make("upper/proc");
        Make("upper/etc/hosts", "10.0.0.1 written-by-the-step\n");
        Make("upper/data/file", "x");

        CapturedChanges.RemoveRuntimeMountPoints(Upper, Parent, ["/proc", "/etc/hosts", "/data"]);

        Assert.True(Directory.Exists(Path.Combine(Upper, "proc")));
        Assert.True(File.Exists(Path.Combine(Upper, "etc", "hosts")));
        Assert.True(File.Exists(Path.Combine(Upper, "data", "file")));
    }

    [Fact]
    public void A_link_the_step_left_above_a_mount_point_is_never_followed()
    {
        var outside = Directory.CreateDirectory(Path.Combine(root, "outside", "cgroup")).FullName;
        Make("upper");
        Directory.CreateSymbolicLink(Path.Combine(Upper, "sys"), Path.Combine(root, "outside"));

        CapturedChanges.RemoveRuntimeMountPoints(Upper, Parent, ["/sys/cgroup"]);

        Assert.True(Directory.Exists(outside));
    }
}
