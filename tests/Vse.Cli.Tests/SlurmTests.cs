using Vse.Testing;

namespace Vse.Cli.Tests;

/// <summary>
/// vse submit against a real Slurm cluster (<see cref="SlurmTestbed"/>: three nodes, each slurmd in
/// its own network namespace): the command's output and exit code come back, cancellation, the time
/// limit and a lost node leave nothing on any node, impossible requests are refused before submission.
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmTests(SlurmTestbed testbed) : IDisposable
{
    // Deadlines guard against a hang; Slurm's own timeouts (SlurmdTimeout 10 s, KillWait 90 s, the
    // time limit checked every 30 s) bound how long each end really takes.
    private static readonly TimeSpan EndDeadline = TimeSpan.FromMinutes(3);

    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private Dictionary<string, string> Environment =>
        _workspace.Environment.Concat(testbed.Environment).ToDictionary(p => p.Key, p => p.Value);

    private Task<VseProcess.Outcome> VseAsync(params string[] args) => VseProcess.RunAsync(_workspace.Root, Environment, args);

    /// <summary>A busybox description NAME whose <c>run</c> is <paramref name="run"/> (YAML), with <paramref name="extra"/> keys.</summary>
    private string Description(string name, string run, string extra = "") =>
        _workspace.Write($"{name}.vse.yaml", $"vse: 1\nname: {name}\nextends: base/busybox\nrun: {run}\n{extra}");

    [SkippableFact]
    public async Task Submit_wait_runs_the_command_once_on_instance_0_with_every_instance_in_the_hostfile()
    {
        testbed.Require();
        var file = Description("ring", "'hostname; cat /etc/vse/hostfile; echo to-stderr >&2; exit 3'");

        var outcome = await VseAsync("submit", file, "--nodes", "3", "--per-node", "2", "--wait");

        Assert.True(outcome.ExitCode == 3, outcome.Stderr);
        Assert.Equal("ring-0\n" + string.Concat(Enumerable.Range(0, 6).Select(i => $"ring-{i} slots=1\n")), outcome.Stdout);
        Assert.Contains("to-stderr", outcome.Stderr);
        foreach (var (node, instances) in new[] { ("n1", "ring-0, ring-1"), ("n2", "ring-2, ring-3"), ("n3", "ring-4, ring-5") })
        {
            Assert.Contains($"vse: {node}: instances {instances} (image staged by shared)", outcome.Stderr);
        }

        await NothingLeftAsync(null);
    }

    [SkippableFact]
    public async Task Without_the_shared_store_the_image_is_broadcast_checked_and_cached_and_a_second_submit_copies_nothing()
    {
        testbed.Require();
        var file = Description("staged", "'true'");
        string[] submit = ["submit", file, "--nodes", "3", "--per-node", "1", "--staging", "broadcast", "--wait", "--", "hostname"];

        var first = await VseAsync(submit);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal("staged-0\n", first.Stdout);
        Assert.Contains("for broadcast to nodes without it", first.Stderr);
        var digest = File.ReadAllText(Directory.GetFiles(Path.Combine(_workspace.VseHome, "slurm-exports"), "*.tar.sha256").Single()).Trim();
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            Assert.Contains($"vse: {node}: instances staged-{node[1] - '1'} (image staged by broadcast)", first.Stderr);
            // Unpacked into the node's own cache under the export's digest, checked against the configuration.
            Assert.True(File.Exists(Path.Combine(testbed.NodeHomes, node, "staged", digest["sha256:".Length..], "rootfs", ".vse", "description.json")));
        }

        Assert.Contains(BroadcastNotice, File.ReadAllText(Path.Combine(JobDirectory(Submitted(first)), "slurm.out")));
        Assert.Empty(Directory.GetFiles(Path.Combine(testbed.NodeHomes, "incoming")));

        var second = await VseAsync(submit);

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal("staged-0\n", second.Stdout);
        Assert.DoesNotContain("for broadcast", second.Stderr);
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            Assert.Contains($"vse: {node}: instances staged-{node[1] - '1'} (image staged by cached)", second.Stderr);
        }

        // Every node held the digest, so the batch script ran no sbcast.
        Assert.DoesNotContain(BroadcastNotice, File.ReadAllText(Path.Combine(JobDirectory(Submitted(second)), "slurm.out")));
        await NothingLeftAsync(null);
    }

    [SkippableFact]
    public async Task Gc_removes_exports_and_node_images_no_deployment_needs_keeps_a_running_ones_and_a_second_gc_finds_nothing()
    {
        testbed.Require();
        string[] broadcast = ["--nodes", "3", "--per-node", "1", "--staging", "broadcast"];
        var (running, runningJob) = await SubmitAsync(Description("kept", "'sleep 7307'"), broadcast);
        try
        {
            await AllReadyAsync(running, 3);
            var ended = await VseAsync(["submit", Description("pruned", "'true'"), .. broadcast, "--wait"]);
            Assert.True(ended.ExitCode == 0, ended.Stderr);
            var (keptExport, keptDigest) = Broadcast(running);
            var (prunedExport, prunedDigest) = Broadcast(Submitted(ended));
            // What a node share killed by SIGKILL leaves: a broadcast file of a job that has ended.
            var leftover = Path.Combine(testbed.NodeHomes, "incoming", "0123456789abcdef.tar");
            await File.WriteAllTextAsync(leftover, "x");

            var first = await VseAsync("gc");

            Assert.True(first.ExitCode == 0, first.Stderr);
            // Other tests of this class leave cached images on the nodes too: at least the ended job's three.
            Assert.Matches(@"removed 1 broadcast exports, ([3-9]|\d\d+) node images and 1 broadcast files, freed ", first.Stdout);
            Assert.False(File.Exists(prunedExport));
            Assert.False(File.Exists(leftover));
            Assert.True(File.Exists(keptExport));
            foreach (var node in new[] { "n1", "n2", "n3" })
            {
                Assert.False(Directory.Exists(Path.Combine(testbed.NodeHomes, node, "staged", prunedDigest)));
                Assert.True(Directory.Exists(Path.Combine(testbed.NodeHomes, node, "staged", keptDigest)), $"{node}: the running deployment's image was removed");
            }

            // The running deployment still runs on what it staged.
            Assert.Equal("kept-2\n", (await VseAsync("exec", $"{running}/2", "--", "hostname")).Stdout);

            var second = await VseAsync("gc");

            Assert.True(second.ExitCode == 0, second.Stderr);
            Assert.Contains("removed 0 broadcast exports, 0 node images and 0 broadcast files, freed 0 B", second.Stdout);
        }
        finally
        {
            Assert.Equal(0, (await testbed.SlurmAsync("scancel", runningJob)).ExitCode);
        }

        await NothingLeftAsync("7307");
        // Once its job has ended, the running deployment's export and images go too.
        Assert.Matches("removed 1 broadcast exports, 3 node images and 0 broadcast files", (await VseAsync("gc")).Stdout);
        Assert.Contains("removed 0 broadcast exports, 0 node images and 0 broadcast files", (await VseAsync("gc")).Stdout);
    }

    [SkippableFact]
    public async Task A_command_after_the_double_dash_replaces_the_descriptions_run_and_its_exit_code_comes_back()
    {
        testbed.Require();
        var file = Description("once", "'exit 9'");

        var outcome = await VseAsync("submit", file, "--nodes", "2", "--per-node", "1", "--wait", "--", "/bin/sh", "-c", "echo \"it's $(hostname)\"");

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Equal("it's once-0\n", outcome.Stdout);
        await NothingLeftAsync(null);
    }

    [SkippableFact]
    public async Task Dry_run_prints_the_batch_script_and_submits_nothing()
    {
        testbed.Require();
        var file = Description("dry", "'true'");

        var outcome = await VseAsync("submit", file, "--nodes", "2", "--dry-run");

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.StartsWith("#!/bin/sh\n", outcome.Stdout);
        Assert.Contains("exec srun --nodes=2 --ntasks=2 --ntasks-per-node=1", outcome.Stdout);
        Assert.Contains("'slurm-node'", outcome.Stdout);
        Assert.Contains("dry run: nothing submitted", outcome.Stderr);
        var jobs = Directory.GetDirectories(Path.Combine(_workspace.VseHome, "slurm"));
        Assert.Single(jobs);
        Assert.False(File.Exists(Path.Combine(jobs[0], "job-id")));
        Assert.Equal("", (await testbed.SlurmAsync("squeue", "--noheader", "--name=vse-dry")).Output);
    }

    [SkippableFact]
    public async Task Scancel_removes_every_instance_on_every_node()
    {
        testbed.Require();
        var file = Description("cancelled", "'sleep 7301'");
        var (deployment, job) = await SubmitAsync(file, "--nodes", "3", "--per-node", "2");
        await AllReadyAsync(deployment, 3);

        Assert.Equal(0, (await testbed.SlurmAsync("scancel", job)).ExitCode);

        await NothingLeftAsync("7301");
        Assert.False(File.Exists(Path.Combine(JobDirectory(deployment), "exit-code")));
    }

    [SkippableFact]
    public async Task At_the_time_limit_every_node_cleans_up_and_wait_says_the_job_timed_out()
    {
        testbed.Require();
        var file = Description("limited", "'sleep 7302'");

        var outcome = await VseAsync("submit", file, "--nodes", "2", "--per-node", "1", "--time", "1", "--wait");

        Assert.Equal(4, outcome.ExitCode);
        Assert.Contains("ended (timeout) before the command finished", outcome.Stderr);
        await NothingLeftAsync("7302");
    }

    [SkippableFact]
    public async Task When_a_nodes_slurmd_is_killed_the_job_ends_and_every_node_cleans_up()
    {
        testbed.Require();
        var file = Description("orphaned", "'sleep 7303'");
        var (deployment, _) = await SubmitAsync(file, "--nodes", "3", "--per-node", "1");
        await AllReadyAsync(deployment, 3);
        try
        {
            System.Diagnostics.Process.GetProcessById(testbed.SlurmdPid("n2")).Kill();

            // slurmctld declares n2 down, ends the job (no requeue) and signals n1 and n3; n2's vse,
            // cut off from its slurmd, sees the job end through squeue and removes its own instance.
            await NothingLeftAsync("7303");
        }
        finally
        {
            await testbed.RepairAsync();
        }
    }

    [SkippableFact]
    public async Task Ps_shows_each_instances_node_and_cleanup_from_the_submit_host_ends_the_job_everywhere()
    {
        testbed.Require();
        var file = Description("spread", "'sleep 7304'",
            "files: [{write: /usr/bin/greeter, content: \"#!/bin/sh\\necho greeting from $(hostname)\\n\", mode: \"0755\"}]\nservices: [greeter]\n");
        var (deployment, job) = await SubmitAsync(file, "--nodes", "2", "--per-node", "2");
        await AllReadyAsync(deployment, 2);

        var ps = await VseAsync("ps");
        Assert.True(ps.ExitCode == 0, ps.Stderr);
        var rows = ps.Stdout.Split('\n').Where(l => l.StartsWith(deployment, StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(
            [["0", "spread-0", "n1"], ["1", "spread-1", "n1"], ["2", "spread-2", "n2"], ["3", "spread-3", "n2"]],
            rows.Select(r => new[] { r[3], r[4], r[5] }));
        Assert.All(rows, r => Assert.Equal([job, "ready"], new[] { r[2], r[6] }));

        // exec from the submit host: through an srun step into instance 3, on n2.
        var exec = await VseAsync("exec", $"{deployment}/3", "--", "/bin/sh", "-c", "hostname; exit 5");
        Assert.Equal(5, exec.ExitCode);
        Assert.Equal("spread-3\n", exec.Stdout);
        // exec in every instance: one srun step per node, each line naming its instance; the worst exit code.
        var all = await VseAsync("exec", deployment, "--", "/bin/sh", "-c", "hostname; [ $(hostname) != spread-2 ] || exit 6");
        Assert.Equal(6, all.ExitCode);
        Assert.Equal(
            Enumerable.Range(0, 4).Select(i => $"spread-{i}: spread-{i}"),
            all.Stdout.TrimEnd('\n').Split('\n').Order(StringComparer.Ordinal));

        // logs from the submit host: the service's output on every node, or of one instance.
        var greetings = Enumerable.Range(0, 4).Select(i => $"spread-{i}: greeting from spread-{i}").ToList();
        VseProcess.Outcome logs = null!;
        await Poll.UntilAsync(
            async () => (logs = await VseAsync("logs", deployment)).Stdout.Split('\n').Count(l => greetings.Contains(l)) == 4,
            "every instance's service output in vse logs", EndDeadline);
        Assert.Equal(0, logs.ExitCode);
        var one = await VseAsync("logs", $"{deployment}/3");
        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.Equal("spread-3: greeting from spread-3\n", one.Stdout);
        var missing = await VseAsync("exec", $"{deployment}/4", "--", "true");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("has no instance 4 (it has 4)", missing.Stderr);

        var cleanup = await VseAsync("cleanup", deployment);

        Assert.True(cleanup.ExitCode == 0, cleanup.Stderr);
        Assert.Equal($"cleaned up {deployment} (4 instance(s) on 2 Slurm node(s), job {job})\n", cleanup.Stdout);
        await NothingLeftAsync("7304");
        Assert.False(Directory.Exists(JobDirectory(deployment)));
    }

    [SkippableFact]
    public async Task A_private_network_spans_the_nodes_and_reaches_nothing_else()
    {
        testbed.Require();
        const string network = "network: {mode: private, subnet: 10.77.0.0/16}\n";
        var (mesh, meshJob) = await SubmitAsync(Description("mesh", "'sleep 7305'", network), "--nodes", "3", "--per-node", "2");
        var (other, otherJob) = await SubmitAsync(Description("other", "'sleep 7306'", network), "--nodes", "3", "--per-node", "1");
        var fabrics = new List<string>();
        try
        {
            await AllReadyAsync(mesh, 3);
            await AllReadyAsync(other, 3);
            foreach (var record in NodeRecords(mesh).Concat(NodeRecords(other)))
            {
                Assert.StartsWith("10.78.0.", record.GetProperty("underlay").GetString());
            }

            fabrics.AddRange(Fabrics(mesh).Concat(Fabrics(other)));

            // One address plan, hosts file and hostfile for all six, on every node (instance 5 runs on n3).
            Assert.Equal(
                "127.0.0.1\tlocalhost\n" + string.Concat(Enumerable.Range(0, 6).Select(i => $"10.77.0.{i + 1}\tmesh-{i}\n")),
                (await VseAsync("exec", $"{mesh}/5", "--", "cat", "/etc/hosts")).Stdout);
            Assert.Equal(string.Concat(Enumerable.Range(0, 6).Select(i => $"mesh-{i} slots=1\n")), (await VseAsync("exec", $"{mesh}/5", "--", "cat", "/etc/vse/hostfile")).Stdout);
            // Across nodes every link keeps the VXLAN's 1,500 (PrivateNetwork.MtuFor): a bridge drops larger frames.
            Assert.Equal("1500\n", (await VseAsync("exec", $"{mesh}/5", "--", "cat", "/sys/class/net/eth0/mtu")).Stdout);

            // Across nodes by name: n3 to n1 and n2, n1 to n3.
            foreach (var (from, to) in new[] { (5, "mesh-0"), (5, "mesh-2"), (1, "mesh-4") })
            {
                var ping = await VseAsync("exec", $"{mesh}/{from}", "--", "ping", "-c", "1", "-W", "5", to);
                Assert.True(ping.ExitCode == 0, $"mesh-{from} -> {to}: {ping.Stdout}{ping.Stderr}");
            }

            // The other deployment, on the same nodes and subnet: its own instances across nodes, but
            // none of mesh's (10.77.0.4 is mesh-3 on n2, 10.77.0.6 mesh-5 on n3; other has .1 to .3).
            var own = await VseAsync("exec", $"{other}/0", "--", "ping", "-c", "1", "-W", "5", "other-2");
            Assert.True(own.ExitCode == 0, own.Stdout + own.Stderr);
            foreach (var address in new[] { "10.77.0.4", "10.77.0.6" })
            {
                Assert.NotEqual(0, (await VseAsync("exec", $"{other}/0", "--", "ping", "-c", "1", "-W", "2", address)).ExitCode);
            }

            // The nodes' own addresses (the underlay) and the controller's: no route there.
            foreach (var address in new[] { "10.78.0.11", "10.78.0.12", "10.78.0.1" })
            {
                var tried = await VseAsync("exec", $"{mesh}/0", "--", "ping", "-c", "1", "-W", "2", address);
                Assert.NotEqual(0, tried.ExitCode);
                Assert.Contains("Network is unreachable", tried.Stderr);
            }
        }
        finally
        {
            Assert.Equal(0, (await testbed.SlurmAsync("scancel", meshJob, otherJob)).ExitCode);
        }

        await NothingLeftAsync("7305");
        await NothingLeftAsync("7306");
        Assert.DoesNotContain(fabrics, File.Exists);
    }

    [SkippableFact]
    public async Task The_mpi_ring_example_runs_its_ranks_on_six_instances_of_three_nodes()
    {
        testbed.Require();
        Requirements.Tool("mmdebstrap");
        _workspace.UseExample("mpi-ring");

        // The issue's "done when": mpirun on instance 0 starts its daemons on the others over ssh,
        // with the deployment's one key, on the private network across the nodes.
        var outcome = await VseAsync("submit", "--wait", "mpi-ring/mpi-ring.vse.yaml", "--nodes", "3", "--per-node", "2");

        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        MpiRingOutput.AssertRanOnEveryInstance(outcome.Stdout, 6, "apps-mpi-ring");
        foreach (var (node, instances) in new[] { ("n1", "apps-mpi-ring-0, apps-mpi-ring-1"), ("n2", "apps-mpi-ring-2, apps-mpi-ring-3"), ("n3", "apps-mpi-ring-4, apps-mpi-ring-5") })
        {
            Assert.Contains($"vse: {node}: instances {instances}", outcome.Stderr);
        }

        await NothingLeftAsync(null);
    }

    [SkippableFact]
    public async Task Vms_on_a_private_network_reach_each_other_across_nodes_by_hostname_and_leave_no_qemu_behind()
    {
        testbed.Require();
        Requirements.Tool("qemu-system-x86_64");
        // Each node keeps its kernels in its own data directory; here they share the one kernel
        // every VM test uses, as a user's data directory would keep it (fetched once).
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            var kernels = Path.Combine(testbed.NodeHomes, node, "kernels");
            Directory.CreateDirectory(Path.GetDirectoryName(kernels)!);
            if (!Path.Exists(kernels))
            {
                Directory.CreateSymbolicLink(kernels, TestKernels.StoreRoot);
            }
        }

        // VM 0 (on n1) reaches VM 1 (n2) and VM 2 (n3) by name over the VXLAN that joins the nodes'
        // fabrics (each VM's tap is on its node's fabric bridge); the nodes' own addresses it cannot reach.
        var file = Description(
            "vms",
            "'hostname; cat /etc/vse/hostfile; for h in vms-1 vms-2; do ping -c 1 -W 10 $h >/dev/null && echo reached $h; done; ping -c 1 -W 2 10.78.0.12 >/dev/null 2>&1 || echo no route to n2'",
            "network: {mode: private, subnet: 10.77.0.0/16}\n");

        var outcome = await VseAsync("submit", file, "--driver", "vm", "--nodes", "3", "--per-node", "1", "--wait");

        Assert.True(outcome.ExitCode == 0, outcome.Stdout + outcome.Stderr);
        Assert.Equal("vms-0\nvms-0 slots=1\nvms-1 slots=1\nvms-2 slots=1\nreached vms-1\nreached vms-2\nno route to n2\n", outcome.Stdout);
        await NothingLeftAsync(null);
        Assert.DoesNotContain(Fabrics(Submitted(outcome)), File.Exists);
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), p => ReadCommandLine(p) is { } line && line.Contains("qemu-system", StringComparison.Ordinal) && line.Contains(testbed.NodeHomes, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Deploy_slurm_in_an_allocation_returns_with_every_instance_ready_and_cleanup_ends_its_step_not_the_allocation()
    {
        testbed.Require();
        var file = Description("allocated", "'true'");
        var salloc = await testbed.SlurmAsync("salloc", "--no-shell", "--nodes=2", "--job-name=vse-test-allocation");
        Assert.True(salloc.ExitCode == 0, salloc.Output);
        var allocation = System.Text.RegularExpressions.Regex.Match(salloc.Output, @"Granted job allocation (\d+)").Groups[1].Value;
        try
        {
            var inAllocation = new Dictionary<string, string>(Environment) { ["SLURM_JOB_ID"] = allocation };
            var deploy = await VseProcess.RunAsync(_workspace.Root, inAllocation, "deploy", "--slurm", file, "--per-node", "2");

            Assert.True(deploy.ExitCode == 0, deploy.Stderr);
            var deployment = deploy.Stdout.Trim();
            Assert.Contains($"deployed allocated as {deployment} in Slurm job {allocation}: 2 node(s) x 2 instance(s)", deploy.Stderr);
            Assert.Contains("vse: n1: instances allocated-0, allocated-1 (image staged by shared)", deploy.Stderr);
            Assert.Contains("vse: n2: instances allocated-2, allocated-3 (image staged by shared)", deploy.Stderr);
            // Ready when deploy returns: no waiting here.
            var rows = (await VseAsync("ps")).Stdout.Split('\n').Where(l => l.StartsWith(deployment, StringComparison.Ordinal)).ToList();
            Assert.Equal(4, rows.Count);
            Assert.All(rows, r => Assert.EndsWith(" ready", r.TrimEnd()));
            var exec = await VseAsync("exec", deployment, "--", "hostname");
            Assert.True(exec.ExitCode == 0, exec.Stderr);
            Assert.Equal(Enumerable.Range(0, 4).Select(i => $"allocated-{i}: allocated-{i}"), exec.Stdout.TrimEnd('\n').Split('\n').Order(StringComparer.Ordinal));

            var cleanup = await VseAsync("cleanup", deployment);

            Assert.True(cleanup.ExitCode == 0, cleanup.Stderr);
            await NothingLeftAsync(null, queueEmpty: false);
            Assert.Equal("RUNNING", (await testbed.SlurmAsync("squeue", "--noheader", "--jobs", allocation, "--format=%T")).Output.Trim());
        }
        finally
        {
            await testbed.SlurmAsync("scancel", allocation);
        }

        await NothingLeftAsync(null);
    }

    [SkippableFact]
    public async Task Deploy_slurm_outside_an_allocation_is_refused()
    {
        // Refused before anything needs Slurm: runs without the testbed too.
        var outcome = await VseAsync("deploy", "--slurm", Description("nowhere", "'true'"));
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("deploy --slurm runs inside a Slurm allocation (salloc, or a batch job), and SLURM_JOB_ID is not set", outcome.Stderr);
    }

    [SkippableFact]
    public async Task Site_limits_bind_the_whole_deployment_across_nodes()
    {
        testbed.Require();
        _workspace.Write("site/policy.vse.yaml", "vse: 1\nname: site-policy\npolicy:\n  limits:\n    deploy.instances: 4\n    deploy.per_node: 2\n");
        var file = Description("limited-by-site", "'true'");

        var tooMany = await VseAsync("submit", file, "--nodes", "3", "--per-node", "2");
        Assert.Equal(3, tooMany.ExitCode);
        Assert.Contains("deploy.instances", tooMany.Stderr);

        var tooDense = await VseAsync("submit", file, "--nodes", "1", "--per-node", "3");
        Assert.Equal(3, tooDense.ExitCode);
        Assert.Contains("deploy.per_node", tooDense.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_workspace.VseHome, "slurm")));
    }

    [SkippableFact]
    public async Task Impossible_requests_are_refused_before_submission()
    {
        testbed.Require();
        // More than any node of the testbed has (each claims a share of the machine's memory).
        var file = Description("big", "'true'", "resources: {memory: 600Gi}\n");

        var tooMany = await VseAsync("submit", file, "--nodes", "4");
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("vse: error: --nodes 4: partition 'debug' has 3 usable node(s) of 3; the job would never start", tooMany.Stderr);

        var tooLarge = await VseAsync("submit", file, "--nodes", "1", "--per-node", "2");
        Assert.Equal(2, tooLarge.ExitCode);
        Assert.Contains("need 1228800 MB on each node", tooLarge.Stderr);

        var noPartition = await VseAsync("submit", file, "--partition", "nope");
        Assert.Equal(2, noPartition.ExitCode);
        Assert.Contains("Slurm has no partition 'nope'", noPartition.Stderr);

        var badTime = await VseAsync("submit", file, "--time", "soon");
        Assert.Equal(2, badTime.ExitCode);
        Assert.Contains("--time: 'soon' is not a Slurm time limit", badTime.Stderr);

        var zero = await VseAsync("submit", file, "--nodes", "0");
        Assert.Equal(2, zero.ExitCode);

        Assert.False(Directory.Exists(Path.Combine(_workspace.VseHome, "slurm")));
        Assert.Equal("", (await testbed.SlurmAsync("squeue", "--noheader", "--name=vse-big")).Output);
    }

    private async Task<(string Deployment, string Job)> SubmitAsync(string file, params string[] options)
    {
        var outcome = await VseAsync(["submit", file, .. options]);
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var ids = outcome.Stdout.Trim().Split(' ');
        Assert.Equal(2, ids.Length);
        return (ids[0], ids[1]);
    }

    private const string BroadcastNotice = Vse.Deploy.Slurm.BatchScript.BroadcastNotice;

    /// <summary>The deployment id <c>vse submit</c> reported on stderr.</summary>
    private static string Submitted(VseProcess.Outcome outcome) =>
        System.Text.RegularExpressions.Regex.Match(outcome.Stderr, "vse: submitted deployment ([0-9a-f]+) ").Groups[1].Value;

    private string JobDirectory(string deployment) => Path.Combine(_workspace.VseHome, "slurm", deployment);

    /// <summary>The export <c>vse submit</c> made for <paramref name="deployment"/>'s broadcast, and the hex digits of its digest (the nodes' cache entry).</summary>
    private (string Export, string DigestHex) Broadcast(string deployment)
    {
        var image = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(File.ReadAllText(Path.Combine(JobDirectory(deployment), "job.json"))).GetProperty("broadcast");
        return (image.GetProperty("export").GetString()!, image.GetProperty("digest").GetString()!["sha256:".Length..]);
    }

    /// <summary>What each node of <paramref name="deployment"/> wrote to <c>nodes/NODE.json</c>.</summary>
    private IEnumerable<System.Text.Json.JsonElement> NodeRecords(string deployment) =>
        Directory.GetFiles(Path.Combine(JobDirectory(deployment), "nodes"), "*.json")
            .Select(f => System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(File.ReadAllText(f)));

    /// <summary>The fabric namespace file of each node's share of <paramref name="deployment"/>.</summary>
    private List<string> Fabrics(string deployment) =>
        [.. NodeRecords(deployment).Select(r => "/run/netns/vse-" + r.GetProperty("localDeploymentId").GetString())];

    private Task AllReadyAsync(string deployment, int nodes) => Poll.UntilAsync(
        () => Task.FromResult(Directory.Exists(Path.Combine(JobDirectory(deployment), "nodes"))
            && Directory.GetFiles(Path.Combine(JobDirectory(deployment), "nodes"), "*.ready").Length == nodes),
        $"all {nodes} nodes of {deployment} ready", EndDeadline);

    /// <summary>
    /// No job in the queue, no local deployment and no deployment marker in any node's data
    /// directory, no mount below them, and no process sleeping <paramref name="sleepMarker"/> (an instance's).
    /// </summary>
    /// <param name="queueEmpty">False where a job of the test's own (an allocation) is to stay.</param>
    private async Task NothingLeftAsync(string? sleepMarker, bool queueEmpty = true)
    {
        var left = "";
        async Task<bool> NothingLeft()
        {
            if (queueEmpty && (await testbed.SlurmAsync("squeue", "--noheader")).Output.Trim() is { Length: > 0 } queue)
            {
                left = "in the queue: " + queue;
                return false;
            }

            foreach (var home in Directory.GetDirectories(testbed.NodeHomes))
            {
                var run = Path.Combine(home, "run");
                var deployments = Directory.Exists(run) ? Directory.GetDirectories(run).Select(Path.GetFileName).Where(d => d != "runtime").ToList() : [];
                var markers = Directory.Exists(Path.Combine(home, "slurm-jobs")) ? Directory.GetFiles(Path.Combine(home, "slurm-jobs")).Select(Path.GetFileName).ToList() : [];
                if (deployments.Count > 0 || markers.Count > 0)
                {
                    left = $"in {home}: deployments [{string.Join(", ", deployments)}], job markers [{string.Join(", ", markers)}]";
                    return false;
                }
            }

            if (File.ReadAllText("/proc/self/mountinfo").Contains(testbed.NodeHomes, StringComparison.Ordinal))
            {
                left = "a mount below " + testbed.NodeHomes;
                return false;
            }

            left = "the instance's process (sleep " + sleepMarker + ")";
            return sleepMarker is null || !Directory.GetDirectories("/proc").Any(p => ReadCommandLine(p) == $"sleep\0{sleepMarker}\0");
        }

        try
        {
            await Poll.UntilAsync(NothingLeft, "nothing of the job left on any node", EndDeadline);
        }
        catch (Xunit.Sdk.FailException)
        {
            Assert.Fail($"nothing of the job left on any node: not within {EndDeadline.TotalSeconds:0} s; left: {left}\n{JobOutputs()}{testbed.LogTails()}");
        }
    }

    /// <summary>What the nodes printed (each node's vse stderr reaches the job's slurm.out through srun), and the command's recorded error, of every job of this test.</summary>
    private string JobOutputs()
    {
        var jobs = Path.Combine(_workspace.VseHome, "slurm");
        var text = new System.Text.StringBuilder();
        foreach (var job in Directory.Exists(jobs) ? Directory.GetDirectories(jobs) : [])
        {
            foreach (var file in new[] { "slurm.out", "error" }.Select(f => Path.Combine(job, f)).Where(File.Exists))
            {
                text.Append("--- ").Append(file).Append(" ---\n").Append(SlurmTestbed.Tail(File.ReadAllText(file), 60));
            }
        }

        return text.ToString();
    }

    private static string? ReadCommandLine(string process)
    {
        try
        {
            return File.ReadAllText(Path.Combine(process, "cmdline"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
