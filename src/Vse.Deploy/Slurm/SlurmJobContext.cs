using System.Globalization;

namespace Vse.Deploy.Slurm;

/// <summary>Where a process runs inside a Slurm job, from the variables slurmstepd sets for every task.</summary>
/// <param name="Rank">The node's index in the job's allocation (<c>SLURM_NODEID</c>), from 0.</param>
public sealed record SlurmJobContext(long JobId, string Node, int Rank)
{
    /// <exception cref="SlurmRequestException">Not inside a Slurm job step (a variable missing or malformed).</exception>
    public static SlurmJobContext FromEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        string Get(string name) => variables.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new SlurmRequestException($"{name} is not set: this runs only inside a Slurm job step (srun)");
        var jobId = Get("SLURM_JOB_ID");
        var rank = Get("SLURM_NODEID");
        var node = Get("SLURMD_NODENAME");
        if (!long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !int.TryParse(rank, NumberStyles.None, CultureInfo.InvariantCulture, out var nodeRank)
            || node.Contains('/', StringComparison.Ordinal) || node is "." or "..")
        {
            throw new SlurmRequestException($"SLURM_JOB_ID '{jobId}', SLURM_NODEID '{rank}' or SLURMD_NODENAME '{node}' is malformed");
        }

        return new SlurmJobContext(id, node, nodeRank);
    }
}
