using Vse.Description.Model;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Sandbox.Launch;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// Which launched instances share one sysfs (<see cref="SharedSysfs"/>): without a network and
/// made by root only; what vse passes the launcher for it; and the launcher's refusals and its
/// handling of the namespace file it binds.
/// </summary>
public sealed class SharedSysfsTests
{
    private static InstanceSpec Spec(NetworkMode network, NetworkAttachment? attachment = null) =>
        new("i-0", "h-0", "/store/rootfs", "/home/run/dep/0", new Dictionary<string, string>(), [], Cpus: null, MemoryBytes: null, network, [], Attachment: attachment);

    /// <summary>Without a network, and without a syscall filter (whose file the shape would otherwise write).</summary>
    private static readonly InstanceSpec Unfiltered = Spec(NetworkMode.None) with { Security = new SecuritySettings(SeccompUnconfined: true, []) };

    [Fact]
    public void Only_instances_without_a_network_made_by_root_share_a_sysfs()
    {
        Assert.Equal(SharedSysfs.EmptyNetworkNamespace, SharedSysfs.NamespaceFor(Spec(NetworkMode.None), userNamespace: false));
        // Rootless: a user namespace may mount only a sysfs of a network namespace it owns.
        Assert.Null(SharedSysfs.NamespaceFor(Spec(NetworkMode.None), userNamespace: true));
        // A private network: the instance's own eth0 must be in its /sys/class/net.
        Assert.Null(SharedSysfs.NamespaceFor(Spec(NetworkMode.Private, new NetworkAttachment("vse-abc", "vse0", "10.0.0.1/24", "v0")), userNamespace: false));
        Assert.Null(SharedSysfs.NamespaceFor(Spec(NetworkMode.Host), userNamespace: false));
    }

    [Fact]
    public void The_bulk_launch_names_the_empty_namespace_and_a_one_shot_run_does_not()
    {
        var shape = LaunchShape.Of(Unfiltered, seccompFilter: null, [], hold: false, userNamespace: false);
        var arguments = shape.Arguments().ToList();
        Assert.Equal(SharedSysfs.EmptyNetworkNamespace, arguments[arguments.IndexOf("--sysfs-netns") + 1]);
        Assert.Equal("--init", arguments[^1]);
        Assert.DoesNotContain("--sysfs-netns", shape.OnceArguments(new LaunchLine("i-0", "h-0", "/store/rootfs", "/home/run/dep/0", ""), ["true"], null));
        Assert.DoesNotContain("--sysfs-netns", LaunchShape.Of(Unfiltered, seccompFilter: null, [], hold: false, userNamespace: true).Arguments());
        // One launch, one kind: a rootless-made shape does not take an instance that would share.
        Assert.False((shape with { UserNamespace = true }).Fits(Unfiltered, seccompFilter: null));
        Assert.True(shape.Fits(Unfiltered, seccompFilter: null));
    }

    [SkippableTheory]
    [InlineData("--userns")]
    [InlineData("--fabric /proc/self/ns/net")]
    public async Task The_launcher_refuses_a_shared_sysfs_with_a_network_or_a_user_namespace(string option)
    {
        Requirements.Root();
        var (exitCode, stderr) = await LauncherProcess.RunAsync([.. option.Split(' '), "--sysfs-netns", "/run/netns/vse-sysfs-refused", "--init"]);

        Assert.Equal(2, exitCode);
        Assert.Equal("vse-launch: --sysfs-netns is for instances without a network, made by root (neither --fabric nor --userns)\n", stderr);
        Assert.False(File.Exists("/run/netns/vse-sysfs-refused"));
    }

    [SkippableFact]
    public async Task An_empty_file_a_killed_launcher_left_becomes_the_bound_namespace_and_stays_one()
    {
        Requirements.Root();
        var directory = Directory.CreateTempSubdirectory("vse-sysfs-netns-");
        var file = Path.Combine(directory.FullName, "empty");
        File.WriteAllBytes(file, []);
        try
        {
            Assert.Equal((0, ""), await LauncherProcess.RunAsync("--sysfs-netns", file, "--init"));
            var bound = NamespaceOf(file);
            Assert.NotNull(bound);
            // A second launcher finds it bound and binds nothing more.
            Assert.Equal((0, ""), await LauncherProcess.RunAsync("--sysfs-netns", file, "--init"));
            Assert.Equal(bound, NamespaceOf(file));
            Assert.Single(File.ReadLines("/proc/self/mountinfo"), l => l.Split(' ')[4] == file);
        }
        finally
        {
            while (NamespaceOf(file) is not null)
            {
                await ExternalTool.RunAsync("umount", [file], CancellationToken.None);
            }

            directory.Delete(recursive: true);
        }
    }

    /// <summary>The namespace bound at <paramref name="file"/> (<c>net:[INODE]</c>), or null when nothing is.</summary>
    private static string? NamespaceOf(string file) =>
        File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).LastOrDefault(f => f[4] == file && f.Contains("nsfs"))?[3];
}
