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
    public async Task A_vm_deployment_boots_its_own_kernel_shows_its_console_and_leaves_nothing_after_cleanup()
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
        Assert.DoesNotContain(
            Directory.EnumerateDirectories("/proc").Select(p => Path.Combine(p, "cmdline")).Where(File.Exists).Select(SafeRead),
            line => line.Contains(workspace.VseHome, StringComparison.Ordinal));
    }

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
}
