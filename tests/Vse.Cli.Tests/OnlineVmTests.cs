namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse shell</c> and <c>vse cp</c> in a VM instance, through the guest agent (QEMU; TCG here);
/// <c>vse diff</c> says it cannot; an online build step of a description whose driver is <c>vm</c>
/// runs in a VM and its changes, read from the VM's changes disk, are a cached layer.
/// </summary>
public sealed class OnlineVmTests
{
    [SkippableFact]
    public async Task Shell_and_cp_work_in_a_vm_through_the_agent_and_diff_says_it_cannot()
    {
        Requirements.Root();
        Requirements.Tool("qemu-system-x86_64");
        using var workspace = new Workspace();
        workspace.Write("vm.vse.yaml", """
            vse: 1
            name: apps/online-vm
            os: {base: busybox, kernel: "package:linux-image-amd64"}
            env: {GREETING: hello-in-the-vm}
            resources: {memory: 256Mi}
            """);
        var deployed = await workspace.RunAsync("deploy", "--driver", "vm", "vm.vse.yaml");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim().Split('\n')[^1];
        try
        {
            var shell = await workspace.RunWithInputAsync("echo \"[$GREETING]\"; hostname; exit 6\n", "shell", id);
            Assert.Equal(6, shell.ExitCode);
            Assert.Equal("[hello-in-the-vm]\napps-online-vm-0\n", shell.Stdout);

            var tree = Path.Combine(workspace.Root, "tree");
            Directory.CreateDirectory(tree);
            File.WriteAllText(Path.Combine(tree, "data"), "through the agent\n");
            File.SetUnixFileMode(Path.Combine(tree, "data"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var copiedIn = await workspace.RunAsync("cp", tree, id + ":/tmp");
            Assert.True(copiedIn.ExitCode == 0, copiedIn.Stderr);
            Assert.Equal("600 through the agent\n", (await workspace.RunAsync("exec", id, "--", "sh", "-c", "printf '%s ' $(stat -c %a /tmp/tree/data); cat /tmp/tree/data")).Stdout);
            var back = Path.Combine(workspace.Root, "back");
            var copiedOut = await workspace.RunAsync("cp", id + ":/tmp/tree", back);
            Assert.True(copiedOut.ExitCode == 0, copiedOut.Stderr);
            Assert.Equal("through the agent\n", File.ReadAllText(Path.Combine(back, "data")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(back, "data")));

            var diff = await workspace.RunAsync("diff", id);
            Assert.Equal(4, diff.ExitCode);
            Assert.Contains("the vm driver cannot show an instance's changes", diff.Stderr);
        }
        finally
        {
            await workspace.RunAsync("cleanup", id);
        }
    }

    [SkippableFact]
    public async Task An_online_step_of_a_vm_description_runs_in_a_vm_with_its_service_and_its_layer_is_cached()
    {
        Requirements.Root();
        Requirements.Tool("qemu-system-x86_64");
        Requirements.Tool("fuse2fs");
        using var workspace = new Workspace();
        // The sandbox test's step with its service (OnlineBuildStepTests.TalkToTheService); it also
        // records the kernel it ran on (the VM's, not the host's) and deletes a file of the layer
        // below (a whiteout on the changes disk).
        workspace.Write("online-vm.vse.yaml", $$"""
            vse: 1
            name: apps/online-vm-step
            os: {base: busybox, kernel: "package:linux-image-amd64"}
            deploy: {driver: vm}
            resources: {memory: 256Mi}
            services: [syslogd]
            build:
              - {run: "mkdir -p /var/log && echo doomed > /etc/doomed"}
            {{OnlineBuildStepTests.TalkToTheService("uname -r > /kernel", "rm /etc/doomed")}}
            """);

        var first = await workspace.RunAsync("build", "online-vm.vse.yaml", "-v", "--output", "dir:out");
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("step ran online", first.Stdout);
        var rootfs = Path.Combine(workspace.Root, "out");
        Assert.Contains("hello through syslogd", File.ReadAllText(Path.Combine(rootfs, "from-the-service")));
        Assert.Equal("apps-online-vm-step-0", File.ReadAllText(Path.Combine(rootfs, "built-on")).Trim());
        Assert.NotEqual(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), File.ReadAllText(Path.Combine(rootfs, "kernel")).Trim());
        Assert.False(File.Exists(Path.Combine(rootfs, "etc", "doomed")));
        Assert.True(Directory.Exists(Path.Combine(rootfs, "var", "log")));
        // Nothing of the guest's init or of the changes disk itself is part of the layer.
        Assert.False(Directory.Exists(Path.Combine(rootfs, "lost+found")));
        Assert.False(Directory.Exists(Path.Combine(rootfs, "work")));

        var second = await workspace.RunAsync("build", "online-vm.vse.yaml");
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("0 built, 4 cached", second.Stdout);
    }
}
