namespace Vse.Cli.Tests;

/// <summary><c>deploy.writes: memory</c>: the instances' writes in a tmpfs of the deployment's own, gone with its cleanup.</summary>
public sealed class WritesInMemoryTests
{
    private const string InMemory = """
        vse: 1
        name: apps/mem
        os: {base: busybox}
        deploy: {writes: memory}
        """;

    [SkippableFact]
    public async Task Bulk_instances_write_to_a_tmpfs_of_their_deployment_that_cleanup_unmounts_and_removes()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        var (id, directory) = await DeployInMemoryAsync(workspace, 3);
        try
        {
            var written = await workspace.RunAsync("exec", id + "/1", "--", "sh", "-c", "echo kept > /written");
            Assert.True(written.ExitCode == 0, written.Stderr);

            Assert.Equal("tmpfs", await FileSystemTypeAsync(directory));
            Assert.NotEqual("tmpfs", await FileSystemTypeAsync(Path.GetDirectoryName(directory)!));
            var mount = MountOf(directory);
            Assert.NotNull(mount);
            Assert.Contains("nosuid", mount, StringComparison.Ordinal);
            Assert.Contains("nodev", mount, StringComparison.Ordinal);
            Assert.Equal("kept\n", await File.ReadAllTextAsync(Path.Combine(directory, "1", "upper", "written")));
            Assert.False(File.Exists(Path.Combine(directory, "0", "upper", "written")));
            Assert.False(File.Exists(Path.Combine(directory, "2", "upper", "written")));
        }
        finally
        {
            var cleaned = await workspace.RunAsync("cleanup", id);
            Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
        }

        Assert.Null(MountOf(directory));
        Assert.False(Directory.Exists(directory));
        Assert.DoesNotContain(id, (await workspace.RunAsync("ps")).Stdout);
    }

    [SkippableFact]
    public async Task The_cleanup_detaches_the_tmpfs_whole_and_deletes_nothing_in_it_first()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        var (id, directory) = await DeployInMemoryAsync(workspace, 2);
        // A process of the host's in the tmpfs: the detached tmpfs lives on while it is there,
        // with whatever the cleanup left in it.
        using var witness = System.Diagnostics.Process.Start(
            new System.Diagnostics.ProcessStartInfo("sleep", ["600"]) { WorkingDirectory = Path.Combine(directory, "1"), UseShellExecute = false })!;
        try
        {
            var written = await workspace.RunAsync("exec", id + "/1", "--", "sh", "-c", "echo kept > /written");
            Assert.True(written.ExitCode == 0, written.Stderr);

            var cleaned = await workspace.RunAsync("cleanup", id);
            Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);

            Assert.Null(MountOf(directory));
            Assert.False(Directory.Exists(directory));
            var left = $"/proc/{witness.Id}/cwd";
            Assert.Equal("kept\n", await File.ReadAllTextAsync(Path.Combine(left, "upper", "written")));
            Assert.True(File.Exists(Path.Combine(left, "init.pid")));
        }
        finally
        {
            witness.Kill();
            await witness.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task The_vm_driver_is_refused_at_the_key_before_any_deployment_is_made()
    {
        using var workspace = new Workspace();
        workspace.Write("mem.vse.yaml", InMemory);

        var refused = await workspace.RunAsync("deploy", "mem.vse.yaml", "--driver", "vm");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("mem.vse.yaml:4:", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains(": error: 'deploy.writes: memory' keeps sandbox instances' writes in a tmpfs; a VM writes its changes to a disk of its own", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("[VSE0227]", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace.VseHome, "run")) && Directory.EnumerateDirectories(Path.Combine(workspace.VseHome, "run")).Any(d => Path.GetFileName(d) != "runtime"));
    }

    /// <summary>Deploys <paramref name="instances"/> bulk instances with their writes in memory: the deployment's id and its directory in <c>run/</c>.</summary>
    private static async Task<(string Id, string Directory)> DeployInMemoryAsync(Workspace workspace, int instances)
    {
        workspace.Write("mem.vse.yaml", InMemory);
        var deployed = await workspace.RunAsync("deploy", "mem.vse.yaml", "--instances", instances.ToString(System.Globalization.CultureInfo.InvariantCulture), "--runtime", "vse-launch");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim();
        return (id, Path.Combine(workspace.VseHome, "run", id));
    }

    /// <summary>The line of /proc/self/mountinfo whose mount point is <paramref name="directory"/>, or null.</summary>
    private static string? MountOf(string directory) =>
        File.ReadLines("/proc/self/mountinfo").FirstOrDefault(line => line.Split(' ')[4] == directory);

    /// <summary>What statfs says the file system's type is (its magic number, named by stat -f).</summary>
    private static async Task<string> FileSystemTypeAsync(string path)
    {
        var stat = await UnprivilegedUser.RunToolAsync("stat", ["-f", "-c", "%T", path]);
        Assert.True(stat.ExitCode == 0, stat.Stderr);
        return stat.Stdout.Trim();
    }
}
