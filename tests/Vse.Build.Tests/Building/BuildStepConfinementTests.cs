using Vse.Build.Steps;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Building;

/// <summary>
/// What a build step, run as the host's root, can no longer do (issue 15, hole 1): each test is
/// an attack a step made, or a probe of the confinement, on a real busybox build. Every probe is
/// harmless on an unconfined step too: a test of code without the confinement fails without
/// changing the host.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class BuildStepConfinementTests(BuildFixture fixture)
{
    [SkippableFact]
    public async Task A_step_runs_with_the_documented_capabilities_no_new_privileges_and_the_seccomp_filter()
    {
        var probes = await ProbeAsync("status", "grep -E '^(CapEff|CapPrm|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status");

        // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT AUDIT_WRITE SETFCAP
        const string kept = "00000000a00405fb";
        Assert.Contains($"CapEff:\t{kept}", probes, StringComparison.Ordinal);
        Assert.Contains($"CapPrm:\t{kept}", probes, StringComparison.Ordinal);
        // bubblewrap makes the kept set ambient too (for a step that changes user); never more.
        var ambient = Convert.ToUInt64(probes.Split('\n').Single(l => l.StartsWith("CapAmb:", StringComparison.Ordinal))[7..].Trim(), 16);
        Assert.Equal(0UL, ambient & ~Convert.ToUInt64(kept, 16));
        // bubblewrap run as root leaves the bounding set whole; with no new privileges an exec
        // cannot gain what the permitted set lacks (setuid and file capabilities are ignored).
        Assert.Contains("NoNewPrivs:\t1", probes, StringComparison.Ordinal);
        Assert.Contains("Seccomp:\t2", probes, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_step_can_neither_mount_nor_make_namespaces_nor_device_nodes()
    {
        var probes = await ProbeAsync(
            "tmpfs", "mkdir -p /m && mount -t tmpfs tmpfs /m",
            "proc", "mkdir -p /p && mount -t proc proc /p",
            "remount", "mount -o remount,rw /proc/sys",
            "userns", "unshare -U -r true",
            "mountns", "unshare -m true",
            "block-device", "mknod /tmp/host-disk b 8 0",
            "fifo", "mkfifo /tmp/fifo");

        Assert.Equal(
            "tmpfs refused\nproc refused\nremount refused\nuserns refused\nmountns refused\nblock-device refused\nfifo ok\n",
            probes);
    }

    [SkippableFact]
    public async Task The_kernels_switches_in_proc_are_read_only_and_its_secrets_masked()
    {
        // Opened for appending and closed again, nothing written: harmless where it is allowed.
        // busybox's test -w says yes to root whatever the mount, so it cannot tell.
        var probes = await ProbeAsync(
            "sysrq-trigger", "test -e /proc/sysrq-trigger && (exec 3>>/proc/sysrq-trigger) && echo writable",
            "core_pattern", "(exec 3>>/proc/sys/kernel/core_pattern) && echo writable",
            "proc-fs-read-only", "test ! -e /proc/fs || awk '$5 == \"/proc/fs\" {print $6}' /proc/self/mountinfo | grep -q '^ro'",
            "keys", "head -c 1 /proc/keys | grep -q . && echo readable",
            "timer_list", "head -c 1 /proc/timer_list | grep -q . && echo readable");

        Assert.Equal("sysrq-trigger refused\ncore_pattern refused\nproc-fs-read-only ok\nkeys refused\ntimer_list refused\n", probes);
    }

    [SkippableFact]
    public async Task A_run_step_sees_only_its_own_loopback_and_no_fd_of_the_sandbox_setup()
    {
        var probes = await ProbeAsync(
            "interfaces", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ' ' > /tmp/i; grep -qx 'lo ' /tmp/i",
            "seccomp-fd", "test ! -e /proc/self/fd/9");

        Assert.Equal("interfaces ok\nseccomp-fd ok\n", probes);
    }

    /// <summary>
    /// The attack of the issue: a cgroup v1 hierarchy mounted inside the step, its release_agent
    /// pointed at a script on the host, the agent triggered. The host runs the agent as root
    /// when the step gets that far; it must fail at the mount.
    /// </summary>
    [SkippableFact]
    public async Task The_cgroup_release_agent_escape_fails_and_the_host_never_runs_the_agent()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        using var host = new TempDirectory();
        var marker = Path.Combine(host.Path, "agent-ran");
        var agent = Path.Combine(host.Path, "agent.sh");
        await File.WriteAllTextAsync(agent, $"#!/bin/sh\ntouch {marker}\n");
        File.SetUnixFileMode(agent, (UnixFileMode)0b111_101_101);
        var step = $"set -e; mkdir -p /cg; mount -t cgroup -o none,name=vse-escape-{Guid.NewGuid():N} cgroup /cg; "
            + $"echo {agent} > /cg/release_agent; mkdir /cg/x; echo 1 > /cg/x/notify_on_release; sh -c 'echo $$ > /cg/x/cgroup.procs'; "
            + "sleep 1; rmdir /cg/x";
        var resolved = fixture.Resolve("test/release-agent", Description(step));

        var error = await Assert.ThrowsAsync<StepFailedException>(() => fixture.Builder.BuildAsync(resolved, noCache: true, progress: null, CancellationToken.None));

        Assert.Contains("mount", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the host ran the step's release agent");
    }

    /// <summary>
    /// core_pattern pipes every core dump to a program the host runs as root. The step tries every
    /// way to a writable copy (remount, a fresh proc) and writes back the value the host has, so a
    /// step that gets through changes nothing.
    /// </summary>
    [SkippableFact]
    public async Task A_step_cannot_write_the_hosts_core_pattern()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        var before = await File.ReadAllTextAsync("/proc/sys/kernel/core_pattern");
        const string step = """
            cp /proc/sys/kernel/core_pattern /tmp/same
            mount -o remount,rw /proc/sys 2>/dev/null || true
            mkdir -p /p; mount -t proc proc /p 2>/dev/null || true
            cat /tmp/same > /p/sys/kernel/core_pattern 2>/dev/null || cat /tmp/same > /proc/sys/kernel/core_pattern
            """;
        var resolved = fixture.Resolve("test/core-pattern", Description(step));

        await Assert.ThrowsAsync<StepFailedException>(() => fixture.Builder.BuildAsync(resolved, noCache: true, progress: null, CancellationToken.None));

        Assert.Equal(before, await File.ReadAllTextAsync("/proc/sys/kernel/core_pattern"));
    }

    /// <summary>Runs each (name, command) pair in one build step; returns "NAME ok|refused" lines.</summary>
    private async Task<string> ProbeAsync(params string[] namesAndCommands)
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        var script = new System.Text.StringBuilder("mkdir -p /probe; : > /probe/out; ");
        for (var i = 0; i < namesAndCommands.Length; i += 2)
        {
            // A probe that prints (the status one) writes its lines; the others their verdict.
            script.Append($"if out=$( {namesAndCommands[i + 1]} 2>/dev/null ); then if [ -n \"$out\" ]; then echo \"$out\" >> /probe/out; else echo '{namesAndCommands[i]} ok' >> /probe/out; fi; ")
                .Append($"else echo '{namesAndCommands[i]} refused' >> /probe/out; fi; ");
        }

        var resolved = fixture.Resolve("test/probe-" + Guid.NewGuid().ToString("N")[..8], Description(script.ToString()));
        var result = await fixture.Builder.BuildAsync(resolved, noCache: true, progress: null, CancellationToken.None);
        return await File.ReadAllTextAsync(Path.Combine(result.Rootfs, "probe", "out"));
    }

    private static string Description(string step) => $$"""
        vse: 1
        name: test/confinement
        os: {base: busybox}
        build:
          - {run: {{System.Text.Json.JsonSerializer.Serialize(step)}}}
        """;
}
