using System.IO.Pipes;
using System.Text;
using Vse.Description.Model;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Host;
using Vse.Runtime.Sandbox.Launch;
using Vse.Testing;

namespace Vse.Runtime.Tests.Drivers;

/// <summary>
/// What every driver must do, proven against the real thing. A driver's test class derives from
/// this, says how to make the driver and where a busybox configuration is, and checks the host
/// can run it (skipping with the reason, or failing under CI).
/// </summary>
public abstract class DriverConformanceTests
{
    /// <summary>A root filesystem with busybox and its applets, which the tests must never change.</summary>
    protected abstract string ConfigurationRootfs { get; }

    /// <summary>Where instance state directories go; each test uses a fresh one below it.</summary>
    protected abstract string StateRoot { get; }

    /// <summary>The driver under test; skips (or fails under CI) when the host cannot run it.</summary>
    protected abstract IDriver RequireDriver();

    /// <summary>What the driver needs beyond the common spec (a VM's kernel).</summary>
    protected virtual InstanceSpec Complete(InstanceSpec spec) => spec;

    /// <summary>Whether the host filters the instance's syscalls: sandboxes share its kernel; a VM's guest has a kernel of its own.</summary>
    protected virtual bool SharesTheHostsKernel => true;

    private InstanceSpec NewSpec(string hostname = "conformance", IReadOnlyList<InstanceMount>? mounts = null, IReadOnlyList<string>? services = null, string? rootfs = null)
    {
        var id = "conf-" + Guid.NewGuid().ToString("N")[..10];
        return Complete(new InstanceSpec(
            id, hostname, rootfs ?? ConfigurationRootfs, Path.Combine(StateRoot, id),
            new Dictionary<string, string> { ["PATH"] = "/bin:/sbin:/usr/bin:/usr/sbin" },
            mounts ?? [], Cpus: 1, MemoryBytes: 64L << 20, NetworkMode.None, services ?? []));
    }

    [SkippableFact]
    public async Task ExecGivesTheCommandsOutputAndExitCode()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var (exitCode, stdout, _) = await instance.ExecAsync("echo", "hi");

        Assert.Equal(0, exitCode);
        Assert.Equal("hi\n", stdout);
    }

    [SkippableFact]
    public async Task ExecPropagatesANonZeroExitCode()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var (exitCode, _, _) = await instance.ExecAsync("sh", "-c", "exit 3");

        Assert.Equal(3, exitCode);
    }

    [SkippableFact]
    public async Task ExecOfAMissingCommandGives127()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var (exitCode, _, stderr) = await instance.ExecAsync("/no/such/command");

        Assert.Equal(127, exitCode);
        Assert.EndsWith("/no/such/command: command not found in the instance\n", stderr, StringComparison.Ordinal);
        Assert.Equal(127, (await instance.ExecAsync("no-such-command-on-path")).ExitCode);
    }

    [SkippableFact]
    public async Task ExecPassesEnvironmentWorkingDirectoryAndStdin()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());
        using var stdin = new MemoryStream("from stdin\n"u8.ToArray());
        using var stdout = new MemoryStream();

        var exitCode = await instance.Driver.ExecAsync(
            instance.Handle,
            new ExecRequest(["sh", "-c", "echo \"$GREETING $(pwd)\"; cat"], new Dictionary<string, string> { ["GREETING"] = "hello" }, "/tmp", Stdin: stdin, Stdout: stdout),
            CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Equal("hello /tmp\nfrom stdin\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [SkippableFact]
    public async Task HostnameInsideIsTheSpecs()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec(hostname: "node-7"));

        var (_, stdout, _) = await instance.ExecAsync("hostname");

        Assert.Equal("node-7\n", stdout);
    }

    [SkippableFact]
    public async Task WritesInsideNeverReachTheConfiguration()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var (exitCode, _, _) = await instance.ExecAsync("sh", "-c", "echo x > /written && rm /etc/passwd && cat /written");

        Assert.Equal(0, exitCode);
        Assert.False(File.Exists(Path.Combine(ConfigurationRootfs, "written")));
        Assert.True(File.Exists(Path.Combine(ConfigurationRootfs, "etc", "passwd")));
    }

    [SkippableFact]
    public async Task TheInstanceRunsUnderTheSyscallFilterWithNoNewPrivileges()
    {
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest has a kernel of its own, which the host does not filter");
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        // The first process as started, and a command exec'd into the instance later.
        var (exitCode, stdout, _) = await instance.ExecAsync("grep", "-E", "^(NoNewPrivs|Seccomp):", "/proc/1/status", "/proc/self/status");
        var userNamespace = await instance.ExecAsync("unshare", "-U", "-r", "true");
        var mount = await instance.ExecAsync("mount", "-t", "tmpfs", "tmpfs", "/tmp");

        Assert.Equal(0, exitCode);
        Assert.Equal(
            "/proc/1/status:NoNewPrivs:\t1\n/proc/1/status:Seccomp:\t2\n/proc/self/status:NoNewPrivs:\t1\n/proc/self/status:Seccomp:\t2\n",
            stdout);
        Assert.NotEqual(0, userNamespace.ExitCode);
        Assert.NotEqual(0, mount.ExitCode);
    }

    [SkippableFact]
    public async Task RelaxationsThePolicyAllowedReachTheInstanceAndItsExecsAndNothingMore()
    {
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest has a kernel of its own: deploy refuses 'security' for VMs");
        var spec = NewSpec() with { Security = new SecuritySettings(SeccompUnconfined: true, ["SYS_PTRACE"]) };
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), spec);

        // The first process as started, and a command exec'd into the instance later.
        var (exitCode, stdout, _) = await instance.ExecAsync("grep", "-E", "^(CapBnd|Seccomp):", "/proc/1/status", "/proc/self/status");

        Assert.Equal(0, exitCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        foreach (var process in new[] { "/proc/1/status", "/proc/self/status" })
        {
            Assert.Contains($"{process}:Seccomp:\t0", lines);
            var bounding = Convert.ToUInt64(lines.Single(l => l.StartsWith($"{process}:CapBnd:", StringComparison.Ordinal)).Split('\t')[1], 16);
            Assert.True((bounding & 1UL << 19) != 0, $"{process}: CAP_SYS_PTRACE is not in {bounding:x}");
            // Only what was asked for: still no CAP_SYS_ADMIN (21) or CAP_NET_ADMIN (12).
            Assert.True((bounding & (1UL << 21 | 1UL << 12)) == 0, $"{process}: {bounding:x} has more than was allowed");
        }
    }

    [SkippableFact]
    public async Task ProcessesOfTheHostAreNotVisible()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());
        var marker = "vse-host-marker-" + Guid.NewGuid().ToString("N");
        using var hostProcess = System.Diagnostics.Process.Start("sh", ["-c", "sleep 30", marker]);
        try
        {
            // Every command line the instance can see; the marker is only in the host process's.
            var (exitCode, stdout, _) = await instance.ExecAsync("sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '");

            Assert.Equal(0, exitCode);
            Assert.Contains("sh -c", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(marker, stdout, StringComparison.Ordinal);
        }
        finally
        {
            hostProcess.Kill();
        }
    }

    [SkippableFact]
    public async Task StateFollowsTheLifeCycle()
    {
        var driver = RequireDriver();
        var spec = NewSpec();
        var handle = await driver.CreateAsync(spec, CancellationToken.None);
        try
        {
            Assert.Equal(InstanceState.Created, (await driver.StateAsync(handle, CancellationToken.None)).State);
            await driver.StartAsync(handle, CancellationToken.None);
            var running = await driver.StateAsync(handle, CancellationToken.None);
            Assert.Equal(InstanceState.Running, running.State);
            Assert.NotNull(running.Pid);
            await driver.StopAsync(handle, TimeSpan.FromSeconds(5), CancellationToken.None);
            Assert.Equal(InstanceState.Stopped, (await driver.StateAsync(handle, CancellationToken.None)).State);
        }
        finally
        {
            await driver.RemoveAsync(handle, CancellationToken.None);
        }

        Assert.Equal(InstanceState.Missing, (await driver.StateAsync(handle, CancellationToken.None)).State);
    }

    [SkippableFact]
    public async Task StopThenRemoveLeavesNoMountAndNoState()
    {
        var driver = RequireDriver();
        var spec = NewSpec();
        var instance = await RunningInstance.StartAsync(driver, spec);

        await instance.DisposeAsync();
        await driver.RemoveAsync(instance.Handle, CancellationToken.None); // twice is not an error

        Assert.False(Directory.Exists(spec.StateDirectory));
        Assert.DoesNotContain(
            File.ReadAllLines("/proc/self/mountinfo"),
            line => line.Contains(spec.StateDirectory, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task SuspendAndResumeWhenTheDriverCan()
    {
        var driver = RequireDriver();
        if (!driver.Capabilities.Suspend)
        {
            Assert.Throws<DriverCapabilityMissingException>(() => DriverAbilities.Suspendable(driver));
            return;
        }

        await using var instance = await RunningInstance.StartAsync(driver, NewSpec());
        var suspendable = DriverAbilities.Suspendable(driver);

        await suspendable.SuspendAsync(instance.Handle, CancellationToken.None);
        Assert.Equal(InstanceState.Paused, (await driver.StateAsync(instance.Handle, CancellationToken.None)).State);
        await suspendable.ResumeAsync(instance.Handle, CancellationToken.None);

        Assert.Equal(InstanceState.Running, (await driver.StateAsync(instance.Handle, CancellationToken.None)).State);
        Assert.Equal(0, (await instance.ExecAsync("true")).ExitCode);
    }

    [SkippableFact]
    public async Task CheckpointAndRestoreWhenTheDriverCan()
    {
        var driver = RequireDriver();
        await using var instance = await RunningInstance.StartAsync(driver, NewSpec());
        await InstanceCounter.StartAsync(instance);
        var checkpoint = Path.Combine(StateRoot, "checkpoint-" + instance.Spec.Id);
        if (!driver.Capabilities.Checkpoint)
        {
            Assert.Throws<DriverCapabilityMissingException>(() => DriverAbilities.Checkpointable(driver));
            if (driver is ICheckpointable checkpointable)
            {
                // Implemented but not working here: refused with the reason, the instance untouched.
                var refused = await Assert.ThrowsAsync<DriverCapabilityMissingException>(() =>
                    checkpointable.CheckpointAsync(instance.Handle, checkpoint, leaveRunning: false, CancellationToken.None));
                Assert.Contains(": ", refused.Message, StringComparison.Ordinal);
            }

            var reached = await InstanceCounter.WaitForAsync(instance, atLeast: 3);
            Assert.Equal(InstanceState.Running, (await driver.StateAsync(instance.Handle, CancellationToken.None)).State);
            await InstanceCounter.WaitForAsync(instance, atLeast: reached + 3);
            Assert.False(Directory.Exists(checkpoint));
            return;
        }

        var able = DriverAbilities.Checkpointable(driver);
        var counted = await InstanceCounter.WaitForAsync(instance, atLeast: 30);

        await able.CheckpointAsync(instance.Handle, checkpoint, leaveRunning: false, CancellationToken.None);
        Assert.Equal(InstanceState.Stopped, (await driver.StateAsync(instance.Handle, CancellationToken.None)).State);
        await able.RestoreAsync(instance.Handle, checkpoint, CancellationToken.None);

        // Restored, the counter counts on from its count at the checkpoint: not stuck (nothing
        // restored) and not from 1 (a new process), which a second later would still be below it.
        Assert.Equal(InstanceState.Running, (await driver.StateAsync(instance.Handle, CancellationToken.None)).State);
        var restored = await InstanceCounter.ReadAsync(instance);
        Assert.True(restored >= counted, $"counted {counted} before the checkpoint, {restored} after the restore");
        await InstanceCounter.WaitForAsync(instance, atLeast: restored!.Value + 1);
    }

    [SkippableFact]
    public async Task APausedInstanceStillStops()
    {
        var driver = RequireDriver();
        Skip.IfNot(driver.Capabilities.Suspend, "the driver cannot suspend");
        var instance = await RunningInstance.StartAsync(driver, NewSpec());

        await DriverAbilities.Suspendable(driver).SuspendAsync(instance.Handle, CancellationToken.None);
        await instance.DisposeAsync();

        Assert.Equal(InstanceState.Missing, (await driver.StateAsync(instance.Handle, CancellationToken.None)).State);
    }

    [SkippableFact]
    public async Task MemoryPastTheLimitIsRefused()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        // dd's buffer is one block: 128 MiB touched at once, twice the instance's 64 MiB.
        var (exitCode, _, _) = await instance.ExecAsync("dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1");
        var (smallExitCode, _, _) = await instance.ExecAsync("dd", "if=/dev/zero", "of=/dev/null", "bs=16M", "count=1");

        Assert.NotEqual(0, exitCode);
        Assert.Equal(0, smallExitCode);
    }

    [SkippableFact]
    public async Task GrantedMountsAppearWithTheirModeAndNothingElseOfTheHost()
    {
        var host = Path.Combine(StateRoot, "host-" + Guid.NewGuid().ToString("N")[..8]);
        var data = Directory.CreateDirectory(Path.Combine(host, "data")).FullName;
        var reference = Directory.CreateDirectory(Path.Combine(host, "ref")).FullName;
        var secret = Directory.CreateDirectory(Path.Combine(host, "secret")).FullName;
        await File.WriteAllTextAsync(Path.Combine(reference, "input"), "reference\n");
        try
        {
            var spec = NewSpec(mounts: [new InstanceMount("/data", data, ReadOnly: false), new InstanceMount("/ref", reference, ReadOnly: true)]);
            await using var instance = await RunningInstance.StartAsync(RequireDriver(), spec);

            var read = await instance.ExecAsync("cat", "/ref/input");
            var writeRw = await instance.ExecAsync("sh", "-c", "echo out > /data/output");
            var writeRo = await instance.ExecAsync("sh", "-c", "echo no > /ref/output");
            var seeSecret = await instance.ExecAsync("test", "-e", secret);

            Assert.Equal("reference\n", read.Stdout);
            Assert.Equal(0, writeRw.ExitCode);
            Assert.Equal("out\n", await File.ReadAllTextAsync(Path.Combine(data, "output")));
            Assert.NotEqual(0, writeRo.ExitCode);
            Assert.False(File.Exists(Path.Combine(reference, "output")));
            Assert.Equal(1, seeSecret.ExitCode);
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    [SkippableFact]
    public async Task AMountSourceWithASymlinkOnItsPathIsRefusedNotFollowed()
    {
        // Deploy checks a canonical source against site policy; if a directory on it is swapped
        // for a symlink afterwards (CVE-2021-30465's class), the driver refuses instead of following.
        var driver = RequireDriver();
        var host = Path.Combine(StateRoot, "host-" + Guid.NewGuid().ToString("N")[..8]);
        var secret = Directory.CreateDirectory(Path.Combine(host, "secret")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secret, "shadow"), "not for the instance\n");
        var swapped = Path.Combine(host, "allowed");
        Directory.CreateSymbolicLink(swapped, secret);
        try
        {
            var spec = NewSpec(mounts: [new InstanceMount("/data", swapped, ReadOnly: true)]);
            var refused = await Assert.ThrowsAnyAsync<IOException>(async () =>
            {
                await using var instance = await RunningInstance.StartAsync(driver, spec);
            });

            Assert.Contains("symlink", refused.Message);
            Assert.False(Directory.Exists(spec.StateDirectory), "a refused instance leaves no state");
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    [SkippableFact]
    public async Task ExecLeaksNoDescriptorAndNoWorkingDirectoryOfTheHost()
    {
        // CVE-2024-21626's class: a runtime that leaks a host directory's descriptor into the
        // exec'd process lets `cwd: /proc/self/fd/N` (or the descriptor itself) walk the host.
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        // The exec'd shell's descriptors, listed by a child (`; true`: the shell must not exec ls in its own place) so that the listing opens none of its own.
        var descriptors = await instance.ExecAsync("sh", "-c", "ls /proc/$$/fd; true");
        var root = await instance.ExecAsync("ls", "-a", "/");

        Assert.Equal(0, descriptors.ExitCode);
        // Its stdio; nothing the runtime (or whatever started it) held survives into the command.
        Assert.True(descriptors.Stdout == "0\n1\n2\n", $"descriptors of the exec'd command: {descriptors.Stdout.ReplaceLineEndings(" ")}");
        for (var fd = 3; fd < 12; fd++)
        {
            // Refused, or inside the instance: from any directory in its root, ../../.. is its root.
            var climb = await ExecOrErrorAsync(instance, new ExecRequest(["ls", "-a", "../../../../../../.."], WorkingDirectory: $"/proc/self/fd/{fd}"));
            Assert.True(climb is null || climb == root.Stdout, $"cwd /proc/self/fd/{fd} reached a directory outside the instance:\n{climb}");
        }
    }

    /// <summary>
    /// What runc gives a command: no signal ignored, none blocked. An ignored SIGPIPE (the
    /// launcher's and .NET's own) would survive exec, and `yes | head -1` would end on EPIPE.
    /// </summary>
    [SkippableFact]
    public async Task ExecStartsTheCommandWithEverySignalAtItsDefault()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var (exitCode, stdout, _) = await instance.ExecAsync(SignalStateOfTheCommand);

        Assert.Equal(0, exitCode);
        Assert.Equal(DefaultSignalState, stdout);
    }

    [SkippableFact]
    public async Task RunOnceStartsTheCommandWithEverySignalAtItsDefault()
    {
        var driver = RequireDriver();
        if (RunsOnceAsTheCatalogSays(driver) is not { } once)
        {
            return;
        }

        using var stdout = new MemoryStream();

        Assert.Equal(0, await once.RunOnceAsync(NewSpec(), new ExecRequest(SignalStateOfTheCommand, Stdout: stdout), CancellationToken.None));
        Assert.Equal(DefaultSignalState, Encoding.UTF8.GetString(stdout.ToArray()));
    }

    private static readonly string[] SignalStateOfTheCommand = ["grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"];

    private const string DefaultSignalState = "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n";

    [SkippableFact]
    public async Task NoProcessInTheInstanceCanWriteTheRuntimesBinary()
    {
        // CVE-2019-5736's class: an instance that runs `#!/proc/self/exe`, or opens a runtime
        // process's /proc/PID/exe while it joins the instance, must not reach the host's binary.
        var hostBinaries = ((string?[])[ExternalTool.Find("runc"), ExternalTool.Find("crun"), LaunchedSandboxDriver.FindLauncher(), ExternalTool.Find("qemu-system-x86_64")])
            .OfType<string>().ToDictionary(b => b, Sha256Of);
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var selfExe = await instance.ExecAsync("sh", "-c", "printf '#!/proc/self/exe\\n' > /tmp/evil && chmod +x /tmp/evil && /tmp/evil; true");
        // Every process the instance sees, the exec'd shell included while the runtime joins it.
        var written = await instance.ExecAsync("sh", "-c", "for p in /proc/[0-9]*; do (echo x >> $p/exe) 2>/dev/null && echo \"wrote $p\"; done; true");

        Assert.Equal(0, selfExe.ExitCode);
        Assert.Equal("", written.Stdout);
        foreach (var (binary, digest) in hostBinaries)
        {
            Assert.Equal(digest, Sha256Of(binary));
        }
    }

    [SkippableFact]
    public async Task KernelInterfacesUnderProcAreMaskedOrReadOnly()
    {
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest has a kernel of its own: its /proc is not the host's");
        var corePattern = await File.ReadAllTextAsync("/proc/sys/kernel/core_pattern");
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var probes = await instance.ExecAsync("sh", "-c", """
            for f in /proc/sys/kernel/core_pattern /proc/sysrq-trigger /proc/sys/vm/drop_caches; do
              (echo 0 > $f) 2>/dev/null && echo "$f writable"
            done
            for f in /proc/kcore /proc/keys /proc/timer_list; do
              test -s $f && head -c 1 $f >/dev/null 2>&1 && echo "$f readable"
            done
            true
            """);

        Assert.Equal("", probes.Stdout);
        Assert.Equal(corePattern, await File.ReadAllTextAsync("/proc/sys/kernel/core_pattern"));
    }

    [SkippableFact]
    public async Task MaskedDirectoriesAreEmptyAndReadOnly()
    {
        // The launcher mounts one read-only tmpfs for all of them (the others bind it), runc one each.
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest has a kernel of its own: its /sys is not the host's");
        Skip.IfNot(Directory.Exists("/sys/firmware"), "this host has no /sys/firmware to mask");
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var probes = await instance.ExecAsync("sh", "-c", """
            for d in /sys/firmware /proc/acpi /proc/scsi /proc/asound; do
              [ -d $d ] || continue
              echo "$d"
              [ -z "$(ls -A $d)" ] || echo "$d not empty"
              (mkdir $d/x) 2>/dev/null && echo "$d writable"
            done
            true
            """);

        var expected = new[] { "/sys/firmware", "/proc/acpi", "/proc/scsi", "/proc/asound" }.Where(Directory.Exists);
        Assert.Equal(string.Concat(expected.Select(d => d + "\n")), probes.Stdout);
    }

    [SkippableFact]
    public async Task AnInstanceWithoutANetworkSeesOnlyItsLoopbackInSysReadOnly()
    {
        // The bulk launcher gives such instances one shared sysfs (SharedSysfs), runc one each:
        // either way nothing of the host's links, lo up as the instance's own, nothing writable.
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest has its own kernel and sysfs");
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var probe = await instance.ExecAsync("sh", "-c", "ls /sys/class/net; cat /sys/class/net/lo/operstate; (mkdir /sys/x) 2>/dev/null && echo writable; true");

        Assert.Equal("lo\nunknown\n", probe.Stdout);
    }

    [SkippableFact]
    public async Task AMountTargetThatIsASymlinkOutOfTheImageMountsInsideIt()
    {
        // CVE-2021-30465's target side: the image's /data climbs out (../../../../tmp/NAME). The
        // granted mount must land in the instance's root, never on the host's /tmp/NAME, which
        // exists here, empty, as the canary.
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest resolves its mount targets on its own disk, with its own kernel: no host path is in reach");
        var driver = RequireDriver();
        var name = "vse-target-canary-" + Guid.NewGuid().ToString("N")[..8];
        var canary = Directory.CreateDirectory(Path.Combine("/tmp", name)).FullName;
        var host = Path.Combine(StateRoot, "host-" + Guid.NewGuid().ToString("N")[..8]);
        var source = Directory.CreateDirectory(Path.Combine(host, "granted")).FullName;
        await File.WriteAllTextAsync(Path.Combine(source, "input"), "granted\n");
        var rootfs = await ChangedCopyOfTheConfigurationAsync(root => File.CreateSymbolicLink(Path.Combine(root, "data"), "../../../../tmp/" + name));
        try
        {
            await using var instance = await RunningInstance.StartAsync(driver, NewSpec(mounts: [new InstanceMount("/data", source, ReadOnly: false)], rootfs: rootfs));

            var read = await instance.ExecAsync("cat", "/data/input");
            var write = await instance.ExecAsync("sh", "-c", "echo out > /data/output");

            Assert.Equal("granted\n", read.Stdout);
            Assert.Equal(0, write.ExitCode);
            Assert.Equal("out\n", await File.ReadAllTextAsync(Path.Combine(source, "output")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(canary));
        }
        finally
        {
            Directory.Delete(canary, recursive: true);
            Directory.Delete(host, recursive: true);
            Directory.Delete(rootfs, recursive: true);
        }
    }

    [SkippableFact]
    public async Task AnImagesDevNullLinkedToCorePatternIsHiddenByTheRuntimesOwnDev()
    {
        // The 2025 runc advisories' class (CVE-2025-31133): masking binds /dev/null over paths such
        // as /proc/kcore; if /dev/null is the image's link to /proc/sys/kernel/core_pattern, that
        // bind (or any write to /dev/null) would expose the host's core_pattern. The runtime's
        // own /dev (a fresh tmpfs with real device nodes) must hide the image's /dev entirely.
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest has a kernel of its own: its /proc is not the host's");
        var driver = RequireDriver();
        var corePattern = await File.ReadAllTextAsync("/proc/sys/kernel/core_pattern");
        var rootfs = await ChangedCopyOfTheConfigurationAsync(root =>
        {
            var dev = Directory.CreateDirectory(Path.Combine(root, "dev")).FullName;
            File.Delete(Path.Combine(dev, "null"));
            File.CreateSymbolicLink(Path.Combine(dev, "null"), "/proc/sys/kernel/core_pattern");
        });
        try
        {
            await using var instance = await RunningInstance.StartAsync(driver, NewSpec(rootfs: rootfs));

            var probes = await instance.ExecAsync("sh", "-c", """
                test -c /dev/null || echo "/dev/null is not a character device"
                test -L /dev/null && echo "/dev/null is the image's link"
                (echo '|/tmp/evil %p' > /dev/null) 2>/dev/null || echo "/dev/null cannot be written"
                test -s /proc/kcore && head -c 1 /proc/kcore >/dev/null 2>&1 && echo "/proc/kcore readable"
                true
                """);

            Assert.Equal("", probes.Stdout);
            Assert.Equal(corePattern, await File.ReadAllTextAsync("/proc/sys/kernel/core_pattern"));
        }
        finally
        {
            Directory.Delete(rootfs, recursive: true);
        }
    }

    [SkippableFact]
    public async Task DeviceNodesAnImageCarriesOpenNothingOfTheHost()
    {
        // A tar base or an OCI layer may carry device nodes anywhere (a world-readable /mem or
        // /kmsg beside /dev): the root is mounted nodev, and the device rules (runc's cgroup,
        // vse-launch's devices hierarchy on v1) refuse them too, whatever the image's modes say.
        // nodev alone must hold where no devices cgroup filters (cgroup v2 without a program).
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest has a kernel and devices of its own");
        var driver = RequireDriver();
        var rootfs = await ChangedCopyOfTheConfigurationAsync(root => Directory.CreateDirectory(Path.Combine(root, "planted")));
        try
        {
            await ExternalTool.RunAsync("mknod", ["-m", "0666", Path.Combine(rootfs, "planted/mem"), "c", "1", "1"], CancellationToken.None);
            await ExternalTool.RunAsync("mknod", ["-m", "0666", Path.Combine(rootfs, "planted/kmsg"), "c", "1", "11"], CancellationToken.None);
            await using var instance = await RunningInstance.StartAsync(driver, NewSpec(rootfs: rootfs));

            var probes = await instance.ExecAsync("sh", "-c", """
                test -c /planted/mem || echo "the image's node is missing: nothing was tried"
                for f in /planted/mem /planted/kmsg; do (head -c 1 $f >/dev/null) 2>/dev/null && echo "$f opened"; done
                true
                """);

            Assert.Equal("", probes.Stdout);
            var rootMount = await instance.ExecAsync("sh", "-c", "grep '^[^ ]* / ' /proc/self/mounts");
            Assert.Contains("nodev", rootMount.Stdout.Split(' ')[3].Split(','));
        }
        finally
        {
            Directory.Delete(rootfs, recursive: true);
        }
    }

    [SkippableFact]
    public async Task AGrantedDeviceOpensAndAnotherDeviceDoesNot()
    {
        // /dev/fuse: a real character device (10:229) that none of the runtimes' default rules
        // allow. The instance may make a node of another (loop-control, 10:237: CAP_MKNOD under a
        // devices cgroup), but the device rules refuse to open it; only what was granted opens.
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest has a kernel and devices of its own");
        var driver = RequireDriver();
        Skip.IfNot(File.Exists("/dev/fuse"), "this host has no /dev/fuse (modprobe fuse)");
        var spec = NewSpec() with { Devices = [new InstanceDevice("/dev/fuse", "/dev/fuse")] };
        await using var instance = await RunningInstance.StartAsync(driver, spec);

        var granted = await instance.ExecAsync("sh", "-c", "test -c /dev/fuse && stat -c '%t:%T' /dev/fuse && (exec 3<>/dev/fuse) && echo opened");
        var other = await instance.ExecAsync("sh", "-c", """
            test -e /dev/loop-control && echo "loop-control is there"
            mknod /tmp/lc c 10 237 2>/dev/null || exit 0
            (exec 3<>/tmp/lc) 2>/dev/null && echo "another device opened"
            true
            """);

        Assert.Equal("a:e5\nopened\n", granted.Stdout);
        Assert.Equal("", other.Stdout);
    }

    [SkippableFact]
    public async Task GpusOfAFakeDeviceTreeAreGivenWithTheDriversFilesReadOnly()
    {
        // No GPU here: a fake host root (Gpus/FakeGpuHost) with two GPU nodes; one is asked for.
        Skip.IfNot(SharesTheHostsKernel, "a VM's guest has a kernel and devices of its own");
        var driver = RequireDriver();
        Requirements.Root();
        using var host = await Gpus.FakeGpuHost.CreateAsync(StateRoot);
        var grant = Vse.Runtime.Gpus.GpuGrant.Select(Vse.Runtime.Gpus.GpuDiscovery.Discover(host.Root, host.LdCacheListing), GpuRequest.Parse("1"));
        await using var instance = await RunningInstance.StartAsync(driver, grant.ApplyTo(NewSpec()));

        var nodes = await instance.ExecAsync("sh", "-c", "test -c /dev/nvidia0 && test -c /dev/nvidiactl && test -c /dev/nvidia-caps/nvidia-cap1 && ! test -e /dev/nvidia1 && echo nodes");
        var smi = await instance.ExecAsync("/usr/local/vse-gpu/bin/nvidia-smi");
        var library = await instance.ExecAsync("cat", "/usr/local/vse-gpu/lib/libcuda.so.1");
        var write = await instance.ExecAsync("sh", "-c", "echo x > /usr/local/vse-gpu/lib/libcuda.so.1");
        var env = await instance.ExecAsync("sh", "-c", "tr '\\0' '\\n' < /proc/1/environ | grep -E '^(LD_LIBRARY_PATH|NVIDIA_VISIBLE_DEVICES)=' | sort");

        Assert.Equal("nodes\n", nodes.Stdout);
        Assert.StartsWith("fake nvidia-smi: GPUs", smi.Stdout, StringComparison.Ordinal);
        Assert.Equal("host libcuda 550.54.15\n", library.Stdout);
        Assert.NotEqual(0, write.ExitCode);
        Assert.Equal("host libcuda 550.54.15\n", await File.ReadAllTextAsync(host.At("usr/lib/x86_64-linux-gnu/libcuda.so.550.54.15")));
        Assert.Equal("LD_LIBRARY_PATH=/usr/local/vse-gpu/lib\nNVIDIA_VISIBLE_DEVICES=0\n", env.Stdout);
    }

    /// <summary>A copy of the busybox configuration (cp -a: links, modes and owners kept) that one test changes and deletes.</summary>
    private async Task<string> ChangedCopyOfTheConfigurationAsync(Action<string> change)
    {
        var copy = Path.Combine(StateRoot, "rootfs-" + Guid.NewGuid().ToString("N")[..8]);
        await ExternalTool.RunAsync("cp", ["-a", "--", ConfigurationRootfs, copy], CancellationToken.None);
        change(copy);
        return copy;
    }

    private static async Task<string?> ExecOrErrorAsync(RunningInstance instance, ExecRequest request)
    {
        using var stdout = new MemoryStream();
        try
        {
            var exitCode = await instance.Driver.ExecAsync(instance.Handle, request with { Stdout = stdout }, CancellationToken.None);
            return exitCode == 0 ? Encoding.UTF8.GetString(stdout.ToArray()) : null;
        }
        catch (Exception)
        {
            // Refused (runc: "chdir to cwd ... not a directory"): what the test wants.
            return null;
        }
    }

    private static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(file));
    }

    [SkippableFact]
    public async Task ServicesAreStartedWithTheInstance()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec(services: ["syslogd"]));

        // A service may take a moment to be up after start returns.
        var found = false;
        for (var attempt = 0; attempt < 50 && !found; attempt++)
        {
            found = (await instance.ExecAsync("pidof", "syslogd")).ExitCode == 0;
            if (!found)
            {
                await Task.Delay(20);
            }
        }

        Assert.True(found, "syslogd is not running in the instance");
    }

    [SkippableFact]
    public async Task AMissingWorkingDirectoryIsAnErrorNotAMissingCommand()
    {
        await using var instance = await RunningInstance.StartAsync(RequireDriver(), NewSpec());

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            instance.Driver.ExecAsync(instance.Handle, new ExecRequest(["true"], WorkingDirectory: "/no/such/dir"), CancellationToken.None));

        Assert.Contains("/no/such/dir", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunOnceGivesTheCommandItsStreamsAndExitCodeAndLeavesNothing()
    {
        var driver = RequireDriver();
        if (RunsOnceAsTheCatalogSays(driver) is not { } once)
        {
            return;
        }

        var spec = NewSpec(hostname: "once-7");
        using var stdin = new MemoryStream("from stdin\n"u8.ToArray());
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();

        var exitCode = await once.RunOnceAsync(
            spec,
            new ExecRequest(["sh", "-c", "cat; hostname; pwd; echo \"$GREETING\" >&2; exit 5"], new Dictionary<string, string> { ["GREETING"] = "hello" }, "/tmp", Stdin: stdin, Stdout: stdout, Stderr: stderr),
            CancellationToken.None);

        Assert.Equal(5, exitCode);
        Assert.Equal("from stdin\nonce-7\n/tmp\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("hello\n", Encoding.UTF8.GetString(stderr.ToArray()));
        Assert.False(Directory.Exists(spec.StateDirectory), "the instance's state directory outlived its run");
        Assert.Empty(CgroupDirectoriesOf(driver.Capabilities.Cgroups, spec.Id));
    }

    [SkippableFact]
    public async Task RunOnceOfAMissingCommandGives127()
    {
        var driver = RequireDriver();
        if (RunsOnceAsTheCatalogSays(driver) is not { } once)
        {
            return;
        }

        using var stderr = new MemoryStream();

        var exitCode = await once.RunOnceAsync(NewSpec(), new ExecRequest(["/no/such/command"], Stderr: stderr), CancellationToken.None);

        Assert.Equal(127, exitCode);
        Assert.EndsWith("/no/such/command: command not found in the instance\n", Encoding.UTF8.GetString(stderr.ToArray()), StringComparison.Ordinal);
    }

    /// <summary>
    /// A one-shot instance's upper directory is deleted with it and never mounted again, so its
    /// overlay is volatile (no sync of the host's file system at its unmount); a deployed
    /// instance's is not, as checkpoint and restore mount it again.
    /// </summary>
    [SkippableFact]
    public async Task RunOnceRootIsAVolatileOverlayAndADeployedInstancesRootIsNot()
    {
        var driver = RequireDriver();
        if (RunsOnceAsTheCatalogSays(driver) is not { } once)
        {
            return;
        }

        using var stdout = new MemoryStream();
        var rootOf = new[] { "sh", "-c", "grep ' / / ' /proc/self/mountinfo" };

        Assert.Equal(0, await once.RunOnceAsync(NewSpec(), new ExecRequest(rootOf, Stdout: stdout), CancellationToken.None));
        await using var instance = await RunningInstance.StartAsync(driver, NewSpec());
        var (exitCode, deployed, _) = await instance.ExecAsync(rootOf);

        var oneShot = Encoding.UTF8.GetString(stdout.ToArray());
        Assert.Contains(" - overlay overlay ", oneShot, StringComparison.Ordinal);
        Assert.Contains("volatile", oneShot, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        Assert.Contains(" - overlay overlay ", deployed, StringComparison.Ordinal);
        Assert.DoesNotContain("volatile", deployed, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunOnceHasTheSpecsMemoryLimitWhileTheCommandRuns()
    {
        var driver = RequireDriver();
        if (RunsOnceAsTheCatalogSays(driver) is not { } once)
        {
            return;
        }

        Skip.IfNot(driver.Capabilities.Cgroups?.Has("memory") == true, $"vse's instances get no memory controller here: {driver.Capabilities.Cgroups?.WhyNot("memory")}");
        var placement = driver.Capabilities.Cgroups!;
        var spec = NewSpec();
        // The command says it runs, then waits for its stdin to close: the limit is read from the host meanwhile.
        using var feed = new AnonymousPipeServerStream(PipeDirection.Out);
        using var stdin = new AnonymousPipeClientStream(PipeDirection.In, feed.ClientSafePipeHandle);
        using var said = new AnonymousPipeServerStream(PipeDirection.In);
        using var stdout = new AnonymousPipeClientStream(PipeDirection.Out, said.ClientSafePipeHandle);
        using var lines = new StreamReader(said);
        var run = once.RunOnceAsync(spec, new ExecRequest(["sh", "-c", "echo up; cat"], Stdin: stdin, Stdout: stdout), CancellationToken.None);

        Assert.Equal("up", await lines.ReadLineAsync().WaitAsync(Poll.DefaultDeadline));
        var limit = CgroupDirectoriesOf(placement, spec.Id)
            .Select(d => Path.Combine(d, placement.V2Directory is null ? "memory.limit_in_bytes" : "memory.max"))
            .Where(File.Exists).Select(f => File.ReadAllText(f).Trim()).FirstOrDefault();
        await feed.DisposeAsync();

        Assert.Equal(0, await run);
        Assert.Equal((64L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), limit);
    }

    /// <summary>The driver's one-shot path, when the catalog sends <c>vse run</c> to it (checked to agree); else null.</summary>
    private static IRunsOnce? RunsOnceAsTheCatalogSays(IDriver driver)
    {
        Assert.Equal(DriverCatalog.RunsOnce(driver.Name), driver is IRunsOnce);
        return driver as IRunsOnce;
    }

    /// <summary>The instance's cgroup directories that exist on the host (v2: one; v1: one per hierarchy).</summary>
    private static List<string> CgroupDirectoriesOf(CgroupPlacement? placement, string id) =>
        placement switch
        {
            { V2Directory: { } v2 } => [.. new[] { Path.Combine(v2, id) }.Where(Directory.Exists)],
            { Path: { } path } => [.. Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => h + path + "/" + id).Where(Directory.Exists)],
            _ => [],
        };
}
