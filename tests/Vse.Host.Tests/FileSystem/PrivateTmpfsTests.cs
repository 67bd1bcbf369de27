using Vse.Host.FileSystem;

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
}
