namespace Vse.Cli.Tests;

/// <summary>
/// The same description as a sandbox and as a VM (QEMU; TCG here): the same commands, the same
/// results, and a VM's own kernel and serial console to show for it.
/// </summary>
public sealed class VmCommandTests
{
    [SkippableFact]
    public async Task An_example_runs_as_a_vm_with_the_same_result_as_in_a_sandbox()
    {
        Requirements.Root();
        Requirements.Tool("qemu-system-x86_64");
        using var workspace = new Workspace();
        workspace.UseExample("hello");
        const string Command = "echo \"$(hostname) says: $(cat /etc/motd)\"; exit 3";

        var sandbox = await workspace.RunAsync("run", "hello/hello.vse.yaml", "--", "sh", "-c", Command);
        var vm = await workspace.RunAsync("run", "--driver", "vm", "hello/hello.vse.yaml", "--", "sh", "-c", Command);
        var greeting = await workspace.RunAsync("run", "--driver", "vm", "hello/hello.vse.yaml");

        Assert.Equal(3, sandbox.ExitCode);
        Assert.Equal(3, vm.ExitCode);
        Assert.Equal(sandbox.Stdout, vm.Stdout);
        Assert.Contains("apps-hello-0 says: ", vm.Stdout);
        Assert.Equal("hello from apps/hello\n", greeting.Stdout);
        Assert.Equal(0, greeting.ExitCode);
    }

    [SkippableFact]
    public async Task A_vm_deployment_boots_its_own_kernel_shows_its_console_and_leaves_nothing_after_cleanup_and_destroy()
    {
        Requirements.Root();
        Requirements.Tool("qemu-system-x86_64");
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", """
            vse: 1
            name: apps/vm
            os: {base: busybox, kernel: "package:linux-image-amd64"}
            boot: {cmdline: {vse.marker: "42"}}
            resources: {memory: 256Mi}
            """);

        var deployed = await workspace.RunAsync("deploy", "--driver", "vm", "-n", "2", "app.vse.yaml");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim();
        try
        {
            var ps = await workspace.RunAsync("ps");
            Assert.Contains("vm:", ps.Stdout);
            var kernel = await workspace.RunAsync("exec", id, "--", "uname", "-r");
            Assert.Equal(0, kernel.ExitCode);
            // Debian's kernel, not the host's: the instances are VMs.
            Assert.Contains("apps-vm-1: 6.1.", kernel.Stdout);
            Assert.DoesNotContain((await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim(), kernel.Stdout);
            var cmdline = await workspace.RunAsync("exec", id + "/0", "--", "cat", "/proc/cmdline");
            Assert.Contains("vse.marker=42", cmdline.Stdout);
            // The agent mounts the unified hierarchy: Debian's kernel has cgroup v2 only (CgroupV2VmTests runs vse on it).
            var cgroups = await workspace.RunAsync("exec", id + "/0", "--", "grep", " /sys/fs/cgroup ", "/proc/mounts");
            Assert.StartsWith("cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot ", cgroups.Stdout, StringComparison.Ordinal);
            var memory = await workspace.RunAsync("exec", id + "/0", "--", "sh", "-c", "grep MemTotal /proc/meminfo");
            Assert.Matches(@"MemTotal:\s+2[0-9]{5} kB", memory.Stdout);
            var logs = await workspace.RunAsync("logs", id + "/0");
            Assert.Contains("vse-agent", logs.Stdout);
        }
        finally
        {
            Assert.Equal(0, (await workspace.RunAsync("cleanup", id)).ExitCode);
        }

        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "run")).Select(Path.GetFileName), e => e != "runtime");
        // The configuration's base disk outlives its deployments, and goes with the configuration.
        var disks = Path.Combine(workspace.VseHome, "vm", "disks");
        Assert.Single(Directory.EnumerateFiles(disks));
        Assert.Equal(0, (await workspace.RunAsync("destroy", "apps/vm")).ExitCode);
        Assert.Empty(Directory.EnumerateFiles(disks));
        Assert.DoesNotContain(
            Directory.EnumerateDirectories("/proc").Select(p => Path.Combine(p, "cmdline")).Where(File.Exists).Select(SafeRead),
            line => line.Contains(workspace.VseHome, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Migrate_moves_a_running_vm_to_another_host_and_its_processes_count_on()
    {
        Requirements.Root();
        Requirements.Tool("qemu-system-x86_64");
        var ip = Requirements.Tool("ip");
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: apps/mover\nos: {base: busybox}\n");
        // The destination host: a namespace of this test's, linked to this one by a veth pair of its own.
        var host = "vse-clitest-" + Guid.NewGuid().ToString("N")[..6];
        var link = "vm" + host[^6..];
        await RunAsync(ip, "netns", "add", host);
        try
        {
            await RunAsync(ip, "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", host);
            await RunAsync(ip, "addr", "add", "10.252.0.1/30", "dev", link);
            await RunAsync(ip, "link", "set", link, "up");
            await RunAsync(ip, "-n", host, "addr", "add", "10.252.0.2/30", "dev", "eth0");
            await RunAsync(ip, "-n", host, "link", "set", "eth0", "up");
            var deployed = await workspace.RunAsync("deploy", "--driver", "vm", "app.vse.yaml");
            Assert.True(deployed.ExitCode == 0, deployed.Stderr);
            var id = deployed.Stdout.Trim();
            try
            {
                Assert.Equal(0, (await workspace.RunAsync("exec", id, "--", "sh", "-c", "(i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done) >/dev/null 2>&1 </dev/null &")).ExitCode);
                await Poll.UntilAsync(async () => await CountAsync(workspace, id) > 0, "the counter in the VM started");
                var before = await CountAsync(workspace, id);

                var migrated = await workspace.RunAsync("migrate", id, "--to", host);

                Assert.True(migrated.ExitCode == 0, migrated.Stderr);
                Assert.Contains("(10.252.0.2)", migrated.Stderr);
                // Counting on after the move, from where it was: not stuck, not restarted from 0.
                await Poll.UntilAsync(async () => await CountAsync(workspace, id) > before, $"the counter counts on past {before} after the move");
                var pid = (await workspace.RunAsync("ps")).Stdout.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
                // The instance's QEMU now runs on the destination host.
                Assert.Equal(await InodeAsync("/run/netns/" + host), await InodeAsync($"/proc/{pid}/ns/net"));
            }
            finally
            {
                Assert.Equal(0, (await workspace.RunAsync("cleanup", id)).ExitCode);
            }
        }
        finally
        {
            await RunAsync(ip, "netns", "delete", host);
        }
    }

    [SkippableFact]
    public async Task Migrate_refuses_sandboxes_with_the_reason()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: apps/stay\nos: {base: busybox}\n");
        var deployed = await workspace.RunAsync("deploy", "app.vse.yaml");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim();
        try
        {
            var migrated = await workspace.RunAsync("migrate", id, "--to", "/proc/self/ns/net", "--address", "10.252.0.2");

            Assert.Equal(4, migrated.ExitCode);
            Assert.Contains("the sandbox driver cannot migrate a running instance to another host", migrated.Stderr);
        }
        finally
        {
            Assert.Equal(0, (await workspace.RunAsync("cleanup", id)).ExitCode);
        }
    }

    private static async Task RunAsync(string tool, params string[] arguments) =>
        await Vse.Host.Processes.ExternalTool.RunAsync(tool, arguments, CancellationToken.None);

    private static async Task<string> InodeAsync(string path) =>
        (await Vse.Host.Processes.ExternalTool.RunAsync("/usr/bin/stat", ["-L", "-c", "%i", path], CancellationToken.None)).Stdout.Trim();

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>The counter's value in the VM, or 0 before it first wrote one.</summary>
    private static async Task<int> CountAsync(Workspace workspace, string id) =>
        int.TryParse((await workspace.RunAsync("exec", id, "--", "cat", "/tmp/n")).Stdout.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            ? count
            : 0;
}
