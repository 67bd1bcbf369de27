using Vse.Deploy.Online;

namespace Vse.Deploy.Tests.Online;

/// <summary>
/// The files a VM's agent wrote for the runtime (a private network's hosts file, hostfile, SSH
/// keys) are no part of an online step's changes; what the step wrote beside them is, and a link
/// the step left never leads the removal out of the upper directory.
/// </summary>
public sealed class GuestWrittenFilesTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vse-guest-written-").FullName;

    private string Upper => Path.Combine(root, "upper");

    private string Parent => Path.Combine(root, "parent");

    public void Dispose() => Directory.Delete(root, recursive: true);

    private void Make(string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Fact]
    public void The_agents_files_go_with_their_new_empty_directories_and_the_steps_stay()
    {
        Make("parent/etc/hosts", "127.0.0.1 localhost\n");
        Make("upper/etc/hosts", "10.0.0.2 apps-online-0\n");
        Make("upper/etc/vse/hostfile", "apps-online-0 slots=1\n");
        Make("upper/root/.ssh/id_ed25519", "key");
        Make("upper/root/.ssh/kept-by-the-step", "x");
        Make("upper/etc/motd", "written by the step\n");

        GuestWrittenFiles.Remove(Upper, Parent, ["/etc/hosts", "/etc/vse/hostfile", "/root/.ssh/id_ed25519"]);

        // The parent's /etc/hosts shows through again, as under a sandbox's bind mount.
        Assert.False(File.Exists(Path.Combine(Upper, "etc", "hosts")));
        Assert.False(Directory.Exists(Path.Combine(Upper, "etc", "vse")));
        Assert.False(File.Exists(Path.Combine(Upper, "root", ".ssh", "id_ed25519")));
        Assert.True(File.Exists(Path.Combine(Upper, "root", ".ssh", "kept-by-the-step")));
        Assert.True(File.Exists(Path.Combine(Upper, "etc", "motd")));
    }

    [Fact]
    public void A_link_the_step_left_is_not_followed_out_of_the_upper_directory()
    {
        Make("outside/hostfile", "a host file\n");
        Directory.CreateDirectory(Path.Combine(Upper, "etc"));
        Directory.CreateSymbolicLink(Path.Combine(Upper, "etc", "vse"), Path.Combine(root, "outside"));

        GuestWrittenFiles.Remove(Upper, Parent, ["/etc/vse/hostfile", "/../outside/hostfile"]);

        Assert.True(File.Exists(Path.Combine(root, "outside", "hostfile")));
        Assert.True(Directory.Exists(Path.Combine(Upper, "etc", "vse")));
    }
}
