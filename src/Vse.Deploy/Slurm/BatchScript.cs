using System.Globalization;
using System.Text;

namespace Vse.Deploy.Slurm;

/// <summary>
/// The batch script of a deployment across Slurm nodes. sbatch takes its options on its command
/// line (an argument list), so the script holds no <c>#SBATCH</c> line; it starts one
/// <c>vse slurm-node</c> per node with srun, every word quoted by <see cref="ShellQuoting.Quote"/>.
/// No trap is needed here: on <c>scancel</c> and at the time limit Slurm sends SIGTERM to every
/// process of the job's steps, and each node's vse catches it and removes its instances.
/// </summary>
public static class BatchScript
{
    /// <summary>The exit code of <c>vse slurm-stage</c> on a node that needs the image broadcast.</summary>
    public const int StageNeedsBroadcast = 10;

    /// <summary>What the batch script writes to Slurm's output (<see cref="JobDirectory.SlurmOutput"/>) when it broadcasts the image.</summary>
    public const string BroadcastNotice = "vse: broadcasting the image to the job's nodes (sbcast)";

    /// <param name="vse">How to start vse on a node: its path (and, under <c>dotnet</c>, the assembly).</param>
    public static string Write(SlurmJob job, JobDirectory directory, IReadOnlyList<string> vse)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(vse);
        var nodes = job.Nodes.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append("#!/bin/sh\n");
        text.Append("# vse submit: deployment ").Append(job.DeploymentId).Append(", ").Append(nodes).Append(" node(s) x ")
            .Append(job.PerNode.ToString(CultureInfo.InvariantCulture)).Append(" instance(s). Written by vse (docs/slurm.md).\n");
        text.Append("# Each node starts its share with 'vse slurm-node'; the node of rank 0 runs the command on instance 0\n");
        text.Append("# once all are ready and records its output and exit code in the job directory.\n");
        if (job.Broadcast is { } broadcast)
        {
            // sbcast needs the job's allocation, so the broadcast is the batch script's: it copies to
            // every node of the job, so it runs only when a node holds or sees no copy (docs/slurm.md).
            text.Append("# Image staging: each node exits 0 when it holds or sees the image, ").Append(StageNeedsBroadcast.ToString(CultureInfo.InvariantCulture))
                .Append(" when it needs the broadcast (srun exits with the highest).\n");
            text.Append("srun --nodes=").Append(nodes).Append(" --ntasks=").Append(nodes).Append(" --ntasks-per-node=1 --kill-on-bad-exit=0 ")
                .Append(ShellQuoting.Join([.. vse, "slurm-stage", directory.Root])).Append('\n');
            text.Append("case $? in\n");
            text.Append("  0) ;;\n");
            text.Append("  ").Append(StageNeedsBroadcast.ToString(CultureInfo.InvariantCulture)).Append(") echo ").Append(ShellQuoting.Quote(BroadcastNotice)).Append(" && sbcast --force ")
                .Append(ShellQuoting.Join([broadcast.Export, broadcast.Destination])).Append(" || exit 1 ;;\n");
            text.Append("  *) exit 1 ;;\n");
            text.Append("esac\n");
        }

        text.Append("exec srun --nodes=").Append(nodes).Append(" --ntasks=").Append(nodes)
            .Append(" --ntasks-per-node=1 --kill-on-bad-exit=0 ")
            .Append(job.InAllocation ? $"--job-name={ShellQuoting.Quote(job.StepName)} " : "")
            .Append(ShellQuoting.Join([.. vse, "slurm-node", directory.Root])).Append('\n');
        return text.ToString();
    }
}
