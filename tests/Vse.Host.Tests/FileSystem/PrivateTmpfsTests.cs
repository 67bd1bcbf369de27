using System.Diagnostics;
using Vse.Host.FileSystem;
using Vse.Testing;

namespace Vse.Host.Tests.FileSystem;

/// <summary>The tmpfs of a deployment with <c>deploy.writes: memory</c>: mounted, found and unmounted without following a symlink.</summary>
public sealed class PrivateTmpfsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_plain_directory_a_symlink_a_file_and_nothing_are_no_tmpfs_and_are_left_alone()
    {
        var directory = temp.CreateDirectory("plain");
        var link = Path.Combine(temp.Path, "link");
        Directory.CreateSymbolicLink(link, "/dev/shm");
        temp.WriteFile("file", "x");

        Assert.False(PrivateTmpfs.IsMountedOn(directory));
        Assert.False(PrivateTmpfs.IsMountedOn(link));
        Assert.False(PrivateTmpfs.IsMountedOn(Path.Combine(temp.Path, "file")));
        Assert.False(PrivateTmpfs.IsMountedOn(Path.Combine(temp.Path, "missing")));
        Assert.False(PrivateTmpfs.Unmount(link));
        Assert.False(PrivateTmpfs.Unmount(directory));
        Assert.True(Directory.Exists(directory));
    }

    [SkippableFact]
    public void A_directory_inside_a_tmpfs_is_not_the_root_of_one()
    {
        Skip.IfNot(Directory.Exists("/dev/shm") && PrivateTmpfs.IsMountedOn("/dev/shm"), "this host has no tmpfs on /dev/shm");
        var onShm = Directory.CreateDirectory(Path.Combine("/dev/shm", "vse-private-tmpfs-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            Assert.False(PrivateTmpfs.IsMountedOn(onShm));
        }
        finally
        {
            Directory.Delete(onShm);
        }
    }

    [SkippableFact]
    public void Root_mounts_one_that_is_found_private_and_unmounted_leaving_the_directory_empty()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: mounting a tmpfs on the host");
        var directory = temp.CreateDirectory("state");
        File.WriteAllText(Path.Combine(directory, "beneath"), "on disk");

        PrivateTmpfs.Mount(directory);
        try
        {
            Assert.True(PrivateTmpfs.IsMountedOn(directory));
            Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
            var options = File.ReadLines("/proc/self/mountinfo").Single(line => line.Split(' ')[4] == directory);
            Assert.Contains("nosuid", options, StringComparison.Ordinal);
            Assert.Contains("nodev", options, StringComparison.Ordinal);
            Assert.Contains("mode=700", options, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(directory, "written"), "in memory");
        }
        finally
        {
            Assert.True(PrivateTmpfs.Unmount(directory));
        }

        Assert.False(PrivateTmpfs.IsMountedOn(directory));
        Assert.Equal([Path.Combine(directory, "beneath")], Directory.EnumerateFileSystemEntries(directory));
    }

    [SkippableFact]
    public void A_symlink_is_never_mounted_on()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: mounting a tmpfs on the host");
        var target = temp.CreateDirectory("target");
        var link = Path.Combine(temp.Path, "link");
        Directory.CreateSymbolicLink(link, target);

        Assert.Throws<IOException>(() => PrivateTmpfs.Mount(link));

        Assert.False(PrivateTmpfs.IsMountedOn(target));
    }

    [SkippableFact]
    public async Task Under_a_shared_parent_nothing_mounted_under_it_reaches_a_peer_namespace_and_the_detach_leaves_no_copy_there()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: mounting a tmpfs on the host");
        // A shared parent, as a systemd host's "/" is, and a peer mount namespace of it.
        var parent = temp.CreateDirectory("home");
        var directory = Directory.CreateDirectory(Path.Combine(parent, "run", "dep")).FullName;
        var inner = Path.Combine(directory, "inner");
        Tool("mount", "--bind", parent, parent);
        Process? peer = null;
        try
        {
            Tool("mount", "--make-shared", parent);
            peer = Process.Start(new ProcessStartInfo("unshare", ["-m", "--propagation", "unchanged", "sleep", "600"]) { UseShellExecute = false })!;
            await Poll.UntilAsync(
                () => Task.FromResult(MountNamespace(peer.Id) != MountNamespace(Environment.ProcessId)), "the peer's own mount namespace");

            PrivateTmpfs.Mount(directory);
            Directory.CreateDirectory(inner);
            Tool("mount", "-t", "tmpfs", "inner", inner);

            Assert.DoesNotContain("shared:", MountLine(Environment.ProcessId, directory), StringComparison.Ordinal);
            Assert.Contains(directory, MountPoints(peer.Id));
            Assert.DoesNotContain(inner, MountPoints(peer.Id));

            Tool("umount", inner);
            Assert.True(PrivateTmpfs.Unmount(directory));
            Assert.DoesNotContain(directory, MountPoints(peer.Id));
        }
        finally
        {
            if (peer is not null)
            {
                peer.Kill();
                await peer.WaitForExitAsync();
                peer.Dispose();
            }

            Tool("umount", "--lazy", "--recursive", parent);
        }
    }

    /// <summary>Runs a mount tool as root, failing the test when it fails.</summary>
    private static void Tool(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)}: exit {process.ExitCode}");
    }

    /// <summary>Which mount namespace process <paramref name="pid"/> is in (<c>mnt:[INODE]</c>), or null once it is gone.</summary>
    private static string? MountNamespace(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The mount points of process <paramref name="pid"/>'s mount namespace.</summary>
    private static List<string> MountPoints(int pid) =>
        [.. File.ReadLines($"/proc/{pid}/mountinfo").Select(line => line.Split(' ')[4])];

    /// <summary>The line of <paramref name="pid"/>'s mountinfo for <paramref name="mountPoint"/>: its optional fields say how it propagates.</summary>
    private static string MountLine(int pid, string mountPoint) =>
        File.ReadLines($"/proc/{pid}/mountinfo").Single(line => line.Split(' ')[4] == mountPoint);
}
