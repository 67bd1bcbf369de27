using System.Diagnostics;
using Vse.Testing;

namespace Vse.Cli.Tests;

/// <summary>
/// One real Slurm cluster for the whole test run (scripts/slurm-testbed.sh up 3: munge, slurmctld,
/// three slurmd in network namespaces n1..n3), brought down at the end. Tests that need it call
/// <see cref="Require"/>, which skips plainly without root or Slurm (fails under CI=true).
/// </summary>
public sealed class SlurmTestbed : IAsyncLifetime
{
    public const int Nodes = 3;

    private string? _failure;

    private bool _started;

    public string State { get; } = Path.Combine(Path.GetTempPath(), "vse-slurm-testbed");

    /// <summary>Where each node's vse keeps its data: one directory per node, inspected by the tests.</summary>
    public string NodeHomes { get; } = Directory.CreateTempSubdirectory("vse-slurm-nodes-").FullName;

    public string SlurmConf => Path.Combine(State, "slurm.conf");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["SLURM_CONF"] = SlurmConf,
        ["VSE_NODE_HOME"] = NodeHomes,
    };

    public static string Script => Path.Combine(Workspace.RepositoryRoot(), "scripts", "slurm-testbed.sh");

    public async Task InitializeAsync()
    {
        if (!System.Environment.IsPrivilegedProcess || ExternalToolMissing())
        {
            return;
        }

        var (exitCode, output) = await RunAsync(Script, "up", Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _started = true;
        _failure = exitCode == 0 ? null : $"scripts/slurm-testbed.sh up {Nodes} failed ({exitCode}): {output}";
    }

    public async Task DisposeAsync()
    {
        if (_started)
        {
            await RunAsync(Script, "down");
        }

        Directory.Delete(NodeHomes, recursive: true);
    }

    /// <summary>Skips (or, under CI, fails) the test without root or Slurm; fails it when the testbed did not come up.</summary>
    public void Require()
    {
        Requirements.Root();
        foreach (var tool in Tools)
        {
            Requirements.Tool(tool);
        }

        Assert.True(_failure is null, _failure);
        Assert.True(_started, "the Slurm testbed was not started");
    }

    /// <summary>Brings back any slurmd a test killed and waits until every node is idle again.</summary>
    public async Task RepairAsync()
    {
        var (exitCode, output) = await RunAsync(Script, "up", Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exitCode == 0, output);
    }

    /// <summary>A Slurm client command (squeue, scancel, ...) against the testbed.</summary>
    public Task<(int ExitCode, string Output)> SlurmAsync(string tool, params string[] arguments) => RunAsync(tool, arguments);

    public int SlurmdPid(string node) => int.Parse(File.ReadAllText(Path.Combine(State, $"slurmd-{node}.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The last lines of slurmctld's and every slurmd's log, for a failure message (the testbed's state directory goes at the end of the run).</summary>
    public string LogTails()
    {
        var logs = Path.Combine(State, "log");
        var text = new System.Text.StringBuilder();
        string[] files = Directory.Exists(logs) ? Directory.GetFiles(logs, "*.log") : [];
        foreach (var log in files.Order(StringComparer.Ordinal))
        {
            text.Append("--- ").Append(log).Append(" ---\n").Append(Tail(File.ReadAllText(log), 40));
        }

        return text.ToString();
    }

    /// <summary>The last <paramref name="lines"/> lines of <paramref name="text"/>, each ending in a newline.</summary>
    public static string Tail(string text, int lines) =>
        string.Concat(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines).Select(l => l + "\n"));

    private static readonly string[] Tools = ["slurmctld", "slurmd", "munged", "sbatch"];

    private static bool ExternalToolMissing() => Tools.Any(t => Vse.Host.Processes.ExternalTool.Find(t) is null);

    private async Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SLURM_CONF"] = SlurmConf;
        start.Environment["VSE_SLURM_TESTBED"] = State;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

[CollectionDefinition(Name)]
public sealed class SlurmCollection : ICollectionFixture<SlurmTestbed>
{
    public const string Name = "Slurm testbed";
}
