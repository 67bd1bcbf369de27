using Vse.Host.FileSystem;
using Vse.Host.Processes;
using Vse.State;
using Vse.State.Configurations;
using Vse.State.Deployments;

namespace Vse.Deploy.Slurm;

/// <summary>
/// What image staging leaves behind and <c>vse gc</c> removes once no deployment needs it
/// (docs/slurm.md, "Pruning"): the submit host's broadcast exports, the images unpacked into node
/// caches, and broadcast files a killed node share left in <c>incoming</c>.
///   - An export or a broadcast file is needed while a deployment of this <c>VSE_HOME</c> whose job
///     has not ended (no <c>done</c>, and <c>squeue</c> says it lives, or cannot say) refers to it.
///   - A node's cached image is needed while a deployment recorded in that node's data directory
///     runs on it (its instances may be running on it; a killed share's records count until reaped).
/// </summary>
public static class StagingCollector
{
    /// <summary>How many of each were removed, and the bytes freed.</summary>
    public sealed record Collected(int Exports, int NodeImages, int BroadcastFiles, long Bytes);

    /// <param name="nodeHomeRoot">The nodes' data directories' root to prune too (<see cref="NodeShare.NodeHomeRoot"/>), or null for none.</param>
    public static async Task<Collected> CollectAsync(string vseHome, string? nodeHomeRoot, CancellationToken cancellationToken)
    {
        // Until the end: a submission waits, so no export is made or reused between the listing of
        // the jobs below and the removal of what they do not need.
        await using var exportsLock = await BroadcastExport.LockAsync(vseHome, exclusive: true, cancellationToken);
        var live = new List<SlurmJob>();
        foreach (var deployment in await SubmittedDeployment.ListAsync(vseHome, cancellationToken))
        {
            if (await MayStillRunAsync(deployment, cancellationToken))
            {
                live.Add(deployment.Job);
            }
        }

        var (exports, bytes) = CollectExports(vseHome, live.Select(j => j.Broadcast?.Export).OfType<string>().ToHashSet(StringComparer.Ordinal), cancellationToken);
        var (images, broadcastFiles) = (0, 0);
        if (nodeHomeRoot is not null && Directory.Exists(nodeHomeRoot))
        {
            foreach (var nodeHome in Directory.GetDirectories(nodeHomeRoot).Where(d => Path.GetFileName(d) != BroadcastExport.IncomingDirectory))
            {
                var (count, freed) = await CollectNodeCacheAsync(new VseHome(nodeHome), cancellationToken);
                images += count;
                bytes += freed;
            }

            var needed = live.Select(j => j.Broadcast?.Destination).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var incoming = Path.Combine(nodeHomeRoot, BroadcastExport.IncomingDirectory);
            foreach (var file in Directory.Exists(incoming) ? Directory.GetFiles(incoming, "*.tar") : [])
            {
                if (!needed.Contains(file))
                {
                    bytes += new FileInfo(file).Length;
                    File.Delete(file);
                    broadcastFiles++;
                }
            }
        }

        return new Collected(exports, images, broadcastFiles, bytes);
    }

    /// <summary>A job ends for good; while it is pending or running it may stage, and its nodes use what they staged.</summary>
    private static async Task<bool> MayStillRunAsync(SubmittedDeployment deployment, CancellationToken cancellationToken)
    {
        if (deployment.Done || deployment.JobId is not { } jobId)
        {
            return false;
        }

        try
        {
            return SlurmQueue.IsLive(await SlurmQueue.StateAsync(jobId, cancellationToken));
        }
        catch (Exception e) when (e is ToolFailedException or ToolMissingException)
        {
            // Without an answer from slurmctld, keep what the job may use.
            return true;
        }
    }

    private static (int Count, long Bytes) CollectExports(string vseHome, IReadOnlySet<string> needed, CancellationToken cancellationToken)
    {
        var directory = BroadcastExport.Directory(vseHome);
        if (!Directory.Exists(directory))
        {
            return (0, 0);
        }

        var (count, bytes) = (0, 0L);
        foreach (var export in Directory.GetFiles(directory, "*.tar"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (needed.Contains(export))
            {
                continue;
            }

            // The digest first: an export without it is not whole, and is made again when next needed.
            File.Delete(export + BroadcastExport.DigestSuffix);
            bytes += new FileInfo(export).Length;
            File.Delete(export);
            count++;
        }

        // Digests without their export, and what an interrupted write of one left.
        foreach (var stray in Directory.GetFiles(directory).Where(f => !f.EndsWith(".tar", StringComparison.Ordinal)
            && !(f.EndsWith(BroadcastExport.DigestSuffix, StringComparison.Ordinal) && File.Exists(f[..^BroadcastExport.DigestSuffix.Length]))))
        {
            File.Delete(stray);
        }

        return (count, bytes);
    }

    /// <summary>Removes the cache entries of one node's data directory that none of its deployments runs on.</summary>
    private static async Task<(int Count, long Bytes)> CollectNodeCacheAsync(VseHome nodeHome, CancellationToken cancellationToken)
    {
        var cache = ImageStaging.CacheDirectory(nodeHome);
        if (!Directory.Exists(cache))
        {
            return (0, 0);
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(nodeHome.Database))
        {
            var database = await StateDatabase.OpenAsync(nodeHome.Database, cancellationToken);
            var configurations = new ConfigurationStore(database);
            foreach (var deployment in await new DeploymentStore(database, nodeHome).ListAsync(cancellationToken))
            {
                if (await configurations.FindAsync(deployment.Record.ConfigurationId, cancellationToken) is { } configuration
                    && Path.GetRelativePath(cache, configuration.RootfsPath).Split(Path.DirectorySeparatorChar) is [var entry, ..] && entry != "..")
                {
                    used.Add(entry);
                }
            }
        }

        var (count, bytes) = (0, 0L);
        // ".unpacking-*" entries are a job's unpacking in progress (or a killed one's): not touched.
        foreach (var entry in Directory.GetDirectories(cache).Where(d => !Path.GetFileName(d).StartsWith('.') && !used.Contains(Path.GetFileName(d))))
        {
            bytes += TreeSize.Of(entry, cancellationToken);
            TreeDeleter.Delete(entry, cancellationToken);
            count++;
        }

        return (count, bytes);
    }
}
