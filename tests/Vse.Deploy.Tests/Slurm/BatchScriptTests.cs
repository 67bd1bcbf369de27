using System.Diagnostics;
using Vse.Deploy.Slurm;
using Vse.State.Configurations;

namespace Vse.Deploy.Tests.Slurm;

public sealed class BatchScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vse-batch-script-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    internal static SlurmJob Job(string name = "apps/ring", int nodes = 3, int perNode = 2) => new(
        "0123abcd", nodes, perNode,
        new ConfigurationRecord("0123456789ab", name, "sha256:" + new string('0', 64), null, "key", "/store/rootfs", 1, DateTimeOffset.UnixEpoch, ["key"], "{}", "{}"),
        ["/bin/sh", "-c", "echo it's $HOME"], "sandbox", null, []);

    [Fact]
    public void The_script_starts_one_vse_per_node_with_srun()
    {
        var script = BatchScript.Write(Job(), new JobDirectory("/home/u/.vse/slurm/0123abcd"), ["/usr/bin/vse"]);
        Assert.StartsWith("#!/bin/sh\n", script);
        Assert.DoesNotContain("#SBATCH", script);
        Assert.EndsWith("exec srun --nodes=3 --ntasks=3 --ntasks-per-node=1 --kill-on-bad-exit=0 '/usr/bin/vse' 'slurm-node' '/home/u/.vse/slurm/0123abcd'\n", script);
    }

    [Fact]
    public void Hostile_paths_reach_srun_as_the_exact_words_and_run_nothing()
    {
        // A stand-in srun (this test's only mock; SlurmTests submits to real Slurm) prints the words it got.
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        var fake = Path.Combine(bin, "srun");
        File.WriteAllText(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var canary = Path.Combine(_root, "pwned");
        var jobDirectory = Path.Combine(_root, $"it's $(touch {canary}) `touch {canary}`; touch {canary}");
        var vse = Path.Combine(_root, "v s'e");
        var script = Path.Combine(_root, "batch.sh");
        File.WriteAllText(script, BatchScript.Write(Job(name: "x'; touch /tmp/pwned; '"), new JobDirectory(jobDirectory), [vse]));

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.Environment["PATH"] = bin + ":/usr/bin:/bin";
        using var shell = Process.Start(start)!;
        var words = shell.StandardOutput.ReadToEnd().TrimEnd('\n').Split('\n');
        shell.WaitForExit();

        Assert.Equal(0, shell.ExitCode);
        Assert.Equal(["--nodes=3", "--ntasks=3", "--ntasks-per-node=1", "--kill-on-bad-exit=0", vse, "slurm-node", jobDirectory], words);
        Assert.False(File.Exists(canary));
    }

    [Fact]
    public void The_hostfile_lists_every_instance_on_every_node()
    {
        var job = Job(nodes: 2, perNode: 2);
        Assert.Equal(4, job.Instances);
        Assert.Equal("apps-ring-0 slots=1\napps-ring-1 slots=1\napps-ring-2 slots=1\napps-ring-3 slots=1\n", job.Hostfile());
    }

    [Fact]
    public async Task The_job_file_reads_back_as_written()
    {
        var directory = new JobDirectory(Path.Combine(_root, "job"));
        var job = Job();
        await directory.WriteJobAsync(job, CancellationToken.None);
        var read = await directory.ReadJobAsync(CancellationToken.None);
        Assert.Equal(job.Command, read.Command);
        Assert.Equal(job.Configuration.LayerKeys, read.Configuration.LayerKeys);
        Assert.Equal(job with { Command = read.Command, GrantedMounts = read.GrantedMounts, Configuration = job.Configuration with { LayerKeys = read.Configuration.LayerKeys } }, read);
    }

    [Theory]
    [InlineData(10, true, 0)]
    [InlineData(0, false, 0)]
    [InlineData(4, false, 1)]
    public void With_a_broadcast_each_node_is_asked_first_and_sbcast_runs_only_when_one_needs_it(int stageExit, bool broadcasts, int scriptExit)
    {
        // Stand-ins for srun and sbcast (SlurmTests runs the real ones) log the exact words they got.
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        var log = Path.Combine(_root, "log");
        foreach (var tool in new[] { "srun", "sbcast" })
        {
            File.WriteAllText(
                Path.Combine(bin, tool),
                $"#!/bin/sh\necho '[{tool}]' >> '{log}'\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '{log}'; done\n"
                + (tool == "srun" ? $"case \"$*\" in *slurm-stage*) exit {stageExit} ;; esac\n" : ""));
            File.SetUnixFileMode(Path.Combine(bin, tool), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var canary = Path.Combine(_root, "pwned");
        var export = Path.Combine(_root, $"ex'port $(touch {canary}).tar");
        var destination = $"/tmp/in`touch {canary}`/d.tar";
        var job = Job() with { Staging = StagingMode.Broadcast, Broadcast = new BroadcastImage(export, "sha256:" + new string('a', 64), 1, destination) };
        var script = Path.Combine(_root, "batch.sh");
        File.WriteAllText(script, BatchScript.Write(job, new JobDirectory("/jobs/x"), ["/usr/bin/vse"]));

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.Environment["PATH"] = bin + ":/usr/bin:/bin";
        using var shell = Process.Start(start)!;
        var stdout = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();

        Assert.Equal(scriptExit, shell.ExitCode);
        string[] stage = ["[srun]", "--nodes=3", "--ntasks=3", "--ntasks-per-node=1", "--kill-on-bad-exit=0", "/usr/bin/vse", "slurm-stage", "/jobs/x"];
        string[] sbcast = ["[sbcast]", "--force", export, destination];
        string[] node = ["[srun]", "--nodes=3", "--ntasks=3", "--ntasks-per-node=1", "--kill-on-bad-exit=0", "/usr/bin/vse", "slurm-node", "/jobs/x"];
        string[] expected = scriptExit != 0 ? stage : broadcasts ? [.. stage, .. sbcast, .. node] : [.. stage, .. node];
        Assert.Equal(expected, File.ReadAllText(log).TrimEnd('\n').Split('\n'));
        Assert.Equal(broadcasts ? BatchScript.BroadcastNotice + "\n" : "", stdout);
        Assert.False(File.Exists(canary));
    }

    [Fact]
    public async Task The_broadcast_and_staging_mode_read_back_as_written()
    {
        var directory = new JobDirectory(Path.Combine(_root, "job"));
        var broadcast = new BroadcastImage("/e/x.tar", "sha256:" + new string('b', 64), 42, "/tmp/vse-node/incoming/x.tar");
        await directory.WriteJobAsync(Job() with { Staging = StagingMode.Auto, Broadcast = broadcast }, CancellationToken.None);
        var read = await directory.ReadJobAsync(CancellationToken.None);
        Assert.Equal(StagingMode.Auto, read.Staging);
        Assert.Equal(broadcast, read.Broadcast);
        Assert.Contains("\"staging\": \"auto\"", await File.ReadAllTextAsync(directory.JobFile));
    }

    [Fact]
    public void In_an_existing_allocation_the_nodes_step_is_named_for_cleanup_to_find()
    {
        var script = BatchScript.Write(Job() with { InAllocation = true }, new JobDirectory("/j"), ["/usr/bin/vse"]);
        Assert.EndsWith("--kill-on-bad-exit=0 --job-name='vse-0123abcd' '/usr/bin/vse' 'slurm-node' '/j'\n", script);
        Assert.DoesNotContain("--job-name", BatchScript.Write(Job(), new JobDirectory("/j"), ["/usr/bin/vse"]));
    }
}
