using System.Globalization;

namespace Vse.Deploy.Slurm;

/// <summary>Where a process runs inside a Slurm job, from the variables slurmstepd sets for every task.</summary>
/// <param name="Rank">The node's index in the job's allocation (<c>SLURM_NODEID</c>), from 0.</param>
/// <param name="NodeList">The job's nodes as a Slurm host list (<c>SLURM_JOB_NODELIST</c>, e.g. <c>n[1-3]</c>), when set.</param>
public sealed record SlurmJobContext(long JobId, string Node, int Rank, string? NodeList = null)
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

        // A host list goes to scontrol as an argument: one that reads as an option is no host list.
        var nodeList = variables.TryGetValue("SLURM_JOB_NODELIST", out var list) && list.Length > 0 ? list : null;
        if (nodeList is not null && (nodeList.StartsWith('-') || nodeList.Any(char.IsWhiteSpace)))
        {
            throw new SlurmRequestException($"SLURM_JOB_NODELIST '{nodeList}' is malformed");
        }

        return new SlurmJobContext(id, node, nodeRank, nodeList);
    }
}
