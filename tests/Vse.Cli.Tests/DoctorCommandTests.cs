using System.Text.Json.Nodes;
using Vse.Host.Processes;

namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse doctor</c> through the real executable, each fact checked against the machine by other
/// means than vse's own: a container started with <c>runc spec</c>'s config, the mount table read
/// here, <c>uname -r</c>, <c>criu check</c>.
/// </summary>
public sealed class DoctorCommandTests
{
    [SkippableFact]
    public async Task The_json_report_states_what_this_machine_really_offers()
    {
        Requirements.Root();
        using var workspace = new Workspace();

        var outcome = await workspace.RunAsync("doctor", "--json");
        var report = JsonNode.Parse(outcome.Stdout)!.AsObject();

        Assert.Equal((await ExternalTool.RunAsync("uname", ["-r"], CancellationToken.None)).Stdout.Trim(), report["kernelRelease"]!.GetValue<string>());
        Assert.Equal(0u, report["effectiveUid"]!.GetValue<uint>());
        Assert.Equal(CgroupLayoutFromMountTable(), report["cgroups"]!["layout"]!.GetValue<string>());

        var anyWorks = false;
        foreach (var runtime in report["runtimes"]!.AsArray())
        {
            var name = runtime!["name"]!.GetValue<string>();
            var works = runtime["works"]!.GetValue<bool>();
            if (ExternalTool.Find(name) is { } path)
            {
                var (reallyRuns, output) = await RunsAContainerAsync(path, workspace.Root);
                Assert.True(reallyRuns == works, $"{name}: doctor says works={works}, a container of its own runc-spec config says {reallyRuns}: {output}");
            }
            else
            {
                Assert.False(works);
            }

            anyWorks |= works;
        }

        Assert.Equal(anyWorks ? 0 : 4, outcome.ExitCode);

        var vm = report["vm"]!;
        var qemu = ExternalTool.Find("qemu-system-x86_64");
        Assert.Equal(qemu is not null && Vse.Runtime.Host.BundledTool.Agent() is not null, vm["driverAvailable"]!.GetValue<bool>());
        if (qemu is null)
        {
            Assert.Equal("qemu-system-x86_64 not found (Debian: qemu-system-x86)", vm["driverReason"]!.GetValue<string>());
        }

        // qemu-on-this-machine.md: no KVM without a usable /dev/kvm, nor where it comes from kvm_pvm.
        if (!File.Exists("/dev/kvm") || Directory.Exists("/sys/module/kvm_pvm"))
        {
            Assert.Equal("tcg", vm["accelerator"]!.GetValue<string>());
        }

        var criu = report["criu"]!;
        if (ExternalTool.Find("criu") is { } criuPath)
        {
            var check = await ExternalTool.RunUncheckedAsync(criuPath, ["check"], CancellationToken.None);
            Assert.Equal(check.ExitCode == 0, criu["checkPassed"]!.GetValue<bool>());
        }
        else
        {
            Assert.Null(criu["checkPassed"]);
        }

        // The host's GPUs as /dev says (none on this machine; an H200 host: /dev/nvidia0).
        var gpuNodes = Directory.Exists("/dev") ? Directory.GetFiles("/dev", "nvidia*").Count(f => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(f), @"^nvidia[0-9]+$")) : 0;
        Assert.Equal(gpuNodes, report["gpus"]!["gpus"]!.AsArray().Count);
        Assert.StartsWith(gpuNodes == 0 ? "none: no /dev/nvidiaN" : $"{gpuNodes} (/dev/nvidia", report["gpuSummary"]!.GetValue<string>(), StringComparison.Ordinal);

        var tools = report["tools"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!["path"]?.GetValue<string>());
        Assert.Equal(File.Exists("/usr/bin/unshare") || File.Exists("/bin/unshare"), tools["unshare"] is not null);
        Assert.Equal(qemu, tools["qemu-system-x86_64"]);
    }

    [SkippableFact]
    public async Task The_table_says_the_same_and_the_probe_cache_is_rewritten_with_what_doctor_saw()
    {
        Requirements.Root();
        using var workspace = new Workspace();

        var json = JsonNode.Parse((await workspace.RunAsync("doctor", "--json")).Stdout)!;
        var table = await workspace.RunAsync("doctor");

        var lines = table.Stdout.Split('\n');
        Assert.Matches(@"^HOST +\S+ \(uid 0\)$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("cgroups ", StringComparison.Ordinal) && l.Contains(" " + json["cgroups"]!["layout"]!.GetValue<string>(), StringComparison.Ordinal));
        foreach (var runtime in json["runtimes"]!.AsArray())
        {
            var status = runtime!["works"]!.GetValue<bool>() ? "works" : "fails: ";
            Assert.Contains(lines, l => l.StartsWith(runtime["name"]!.GetValue<string>() + " ", StringComparison.Ordinal) && l.Contains(status, StringComparison.Ordinal));
        }

        var cache = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(workspace.VseHome, "oci-runtime-probes.json")))!;
        var remembered = cache["entries"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["works"]!.GetValue<bool>());
        foreach (var runtime in json["runtimes"]!.AsArray().Where(r => r!["path"] is not null))
        {
            Assert.Equal(runtime!["works"]!.GetValue<bool>(), remembered[runtime["name"]!.GetValue<string>()]);
        }
    }

    [Fact]
    public async Task Without_a_working_OCI_runtime_or_the_launcher_it_exits_4_and_says_why()
    {
        using var workspace = new Workspace();
        var environment = WithBrokenOciRuntimes(workspace);
        environment["VSE_LAUNCH"] = Path.Combine(workspace.Root, "no-vse-launch-here");
        var outcome = await VseProcess.RunAsync(workspace.Root, environment, "doctor");

        Assert.Equal(4, outcome.ExitCode);
        var error = Assert.Single(outcome.ErrorLines);
        Assert.StartsWith("vse: error: the sandbox driver cannot run on this host: no OCI runtime works: crun: ", error);
        Assert.Contains("runc: ", error);
        Assert.EndsWith("; vse-launch is not built", error);
        Assert.Contains("sandbox      unavailable: no OCI runtime works", outcome.Stdout);
    }

    [SkippableFact]
    public async Task Without_a_working_OCI_runtime_sandboxes_run_on_the_launcher()
    {
        Requirements.Root();
        Requirements.Tool("busybox");
        using var workspace = new Workspace();
        var environment = WithBrokenOciRuntimes(workspace);
        workspace.Write("box.vse.yaml", """
            vse: 1
            name: apps/launcher-only
            os: {base: busybox}
            """);

        var doctor = await VseProcess.RunAsync(workspace.Root, environment, "doctor");
        var run = await VseProcess.RunAsync(workspace.Root, environment, "run", "box.vse.yaml", "--", "echo", "on the launcher");

        Assert.True(doctor.ExitCode == 0, doctor.Stderr);
        Assert.Matches("(?m)^sandbox +available: uses vse-launch \\(no OCI runtime works: crun: .*runc: .*\\)$", doctor.Stdout);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("on the launcher\n", run.Stdout);
    }

    /// <summary>The workspace's environment with a PATH whose crun and runc fail every probe.</summary>
    private static Dictionary<string, string> WithBrokenOciRuntimes(Workspace workspace)
    {
        var fakes = Directory.CreateDirectory(Path.Combine(workspace.Root, "fake-bin")).FullName;
        foreach (var name in new[] { "crun", "runc" })
        {
            var path = Path.Combine(fakes, name);
            File.WriteAllText(path, $"#!/bin/sh\necho '{name}: broken on purpose' >&2\nexit 1\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new Dictionary<string, string>(workspace.Environment) { ["PATH"] = fakes + ":/usr/bin:/bin:/usr/sbin:/sbin" };
    }

    private static string CgroupLayoutFromMountTable()
    {
        var types = File.ReadAllLines("/proc/self/mountinfo").Select(line => line.Split(" - ", 2)[1].Split(' ')[0]).ToHashSet();
        return (types.Contains("cgroup"), types.Contains("cgroup2")) switch
        {
            (true, true) => "hybrid",
            (true, false) => "v1",
            (false, true) => "v2",
            _ => "none",
        };
    }

    /// <summary>Runs /bin/true in a busybox root with the config <c>RUNTIME spec</c> writes (not vse's): does this runtime work here?</summary>
    private static async Task<(bool Runs, string Output)> RunsAContainerAsync(string runtime, string scratch)
    {
        var bundle = Directory.CreateDirectory(Path.Combine(scratch, "bundle-" + Path.GetFileName(runtime))).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "bin")).FullName;
        File.Copy(Requirements.Tool("busybox"), Path.Combine(bin, "busybox"));
        File.CreateSymbolicLink(Path.Combine(bin, "true"), "busybox");
        await ExternalTool.RunAsync(runtime, ["spec"], CancellationToken.None, workingDirectory: bundle);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, "config.json")))!;
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray("/bin/true");
        await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), config.ToJsonString());

        var id = "vse-doctor-test-" + Guid.NewGuid().ToString("N")[..8];
        var state = Path.Combine(scratch, "state-" + Path.GetFileName(runtime));
        try
        {
            var result = await ExternalTool.RunUncheckedAsync(runtime, ["--root", state, "run", "--bundle", bundle, id], CancellationToken.None);
            return (result.ExitCode == 0, result.Stderr + result.Stdout);
        }
        finally
        {
            await ExternalTool.RunUncheckedAsync(runtime, ["--root", state, "delete", "--force", id], CancellationToken.None);
        }
    }
}
