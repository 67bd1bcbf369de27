using System.Globalization;

namespace Vse.Deploy.Slurm;

/// <summary>
/// A deployment submitted to Slurm, as the submit host sees it from its job directory: the job,
/// and each node's share as far as the nodes have reported it.
/// </summary>
/// <param name="JobId">Slurm's job id, or null for a dry run (nothing submitted).</param>
/// <param name="ExitCode">The command's exit code once it has run.</param>
public sealed record SubmittedDeployment(
    string Id, string Name, long? JobId, SlurmJob Job, IReadOnlyList<NodeShareRecord> Nodes, IReadOnlySet<string> ReadyNodes, bool Done, int? ExitCode, JobDirectory Directory)
{
    /// <summary>Every job directory under <c>$VSE_HOME/slurm</c>, oldest id order aside: sorted by id.</summary>
    public static async Task<IReadOnlyList<SubmittedDeployment>> ListAsync(string vseHome, CancellationToken cancellationToken)
    {
        var root = Path.Combine(vseHome, "slurm");
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        var found = new List<SubmittedDeployment>();
        foreach (var path in System.IO.Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            if (await ReadAsync(new JobDirectory(path), cancellationToken) is { } deployment)
            {
                found.Add(deployment);
            }
        }

        return found;
    }

    /// <summary>The deployment of job directory <c>$VSE_HOME/slurm/ID</c>, or null when there is none.</summary>
    public static async Task<SubmittedDeployment?> FindAsync(string vseHome, string id, CancellationToken cancellationToken) =>
        id.Length == 0 || id.Contains('/', StringComparison.Ordinal) || id is "." or ".."
            ? null
            : await ReadAsync(JobDirectory.Of(vseHome, id), cancellationToken);

    private static async Task<SubmittedDeployment?> ReadAsync(JobDirectory directory, CancellationToken cancellationToken)
    {
        if (!File.Exists(directory.JobFile))
        {
            return null;
        }

        var job = await directory.ReadJobAsync(cancellationToken);
        long? jobId = File.Exists(directory.JobIdFile)
            ? long.Parse((await File.ReadAllTextAsync(directory.JobIdFile, cancellationToken)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture)
            : null;
        int? exitCode = File.Exists(directory.ExitCode)
            ? int.Parse((await File.ReadAllTextAsync(directory.ExitCode, cancellationToken)).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : null;
        var ready = System.IO.Directory.Exists(directory.Nodes)
            ? System.IO.Directory.GetFiles(directory.Nodes, "*.ready").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        return new SubmittedDeployment(
            job.DeploymentId, job.Configuration.Name, jobId, job, await directory.ReadNodesAsync(cancellationToken), ready, File.Exists(directory.Done), exitCode, directory);
    }
}
