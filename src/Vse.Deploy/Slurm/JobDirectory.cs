using System.Text;
using System.Text.Json;

namespace Vse.Deploy.Slurm;

/// <summary>
/// The directory of one deployment across Slurm nodes, <c>$VSE_HOME/slurm/ID</c> on the submit
/// host: the job file, the batch script, each node's record and readiness, the command's output and
/// exit code. Every node reads and writes it, so it must be on a file system the submit host and
/// the nodes share (docs/slurm.md); markers are written by rename, so a reader sees whole files.
/// </summary>
public sealed record JobDirectory(string Root)
{
    public string JobFile => Path.Combine(Root, "job.json");

    public string BatchScript => Path.Combine(Root, "batch.sh");

    /// <summary>Slurm's own output of the batch step (<c>sbatch --output</c>).</summary>
    public string SlurmOutput => Path.Combine(Root, "slurm.out");

    public string JobIdFile => Path.Combine(Root, "job-id");

    /// <summary>The command's standard output.</summary>
    public string Output => Path.Combine(Root, "output");

    /// <summary>The command's standard error, and why the command did not run when it did not.</summary>
    public string Error => Path.Combine(Root, "error");

    /// <summary>The command's exit code, a decimal number; written last, so its presence means the command ran.</summary>
    public string ExitCode => Path.Combine(Root, "exit-code");

    /// <summary>Written by the node of rank 0 once the command has ended (or cannot run): every node then removes its instances.</summary>
    public string Done => Path.Combine(Root, "done");

    public string Nodes => Path.Combine(Root, "nodes");

    /// <summary>With a private network: the deployment's one SSH key pair, made by <c>vse submit</c> for every node's instances.</summary>
    public string SshKeys => Path.Combine(Root, "ssh");

    public string NodeRecord(string node) => Path.Combine(Nodes, node + ".json");

    public string NodeReady(string node) => Path.Combine(Nodes, node + ".ready");

    /// <summary>Why a node's share did not start (one line).</summary>
    public string NodeFailed(string node) => Path.Combine(Nodes, node + ".failed");

    public static JobDirectory Of(string vseHome, string deploymentId) => new(Path.Combine(vseHome, "slurm", deploymentId));

    public async Task<SlurmJob> ReadJobAsync(CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(JobFile);
        return await JsonSerializer.DeserializeAsync(stream, SlurmJobJson.Default.SlurmJob, cancellationToken)
            ?? throw new InvalidDataException($"{JobFile}: empty job file");
    }

    public Task WriteJobAsync(SlurmJob job, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(JobFile, JsonSerializer.Serialize(job, SlurmJobJson.Default.SlurmJob), cancellationToken);

    public async Task<IReadOnlyList<NodeShareRecord>> ReadNodesAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Nodes))
        {
            return [];
        }

        var records = new List<NodeShareRecord>();
        foreach (var file in Directory.GetFiles(Nodes, "*.json").Order(StringComparer.Ordinal))
        {
            records.Add(JsonSerializer.Deserialize(await File.ReadAllTextAsync(file, cancellationToken), SlurmJobJson.Default.NodeShareRecord)
                ?? throw new InvalidDataException($"{file}: empty node record"));
        }

        return [.. records.OrderBy(r => r.Rank)];
    }

    public Task WriteNodeAsync(NodeShareRecord record, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(NodeRecord(record.Node), JsonSerializer.Serialize(record, SlurmJobJson.Default.NodeShareRecord), cancellationToken);

    /// <summary>Writes <paramref name="text"/> to a temporary file beside <paramref name="path"/> and renames it into place.</summary>
    public static async Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        await File.WriteAllTextAsync(temporary, text, new UTF8Encoding(false), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
