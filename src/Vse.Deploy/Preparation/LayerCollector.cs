using Vse.Build.Registry;
using Vse.Deploy.Online;
using Vse.Host.FileSystem;
using Vse.Host.Locking;

namespace Vse.Deploy.Preparation;

/// <summary>
/// Deletes layers no configuration references, and what interrupted builds left (the store's
/// <c>tmp/</c>, online steps' VMs, one-shot runs' state directories in the trash), under the store lock held exclusively, so no build is using them. Shared by <c>vse gc</c> and <c>vse destroy</c>.
/// </summary>
public static class LayerCollector
{
    /// <param name="LayerBlobs">Cached push blobs of layers no longer there (<see cref="LayerBlobCache"/>).</param>
    public sealed record Collected(int Layers, int LayerBlobs, int Temporaries, long Bytes);

    public static async Task<Collected> CollectAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        await using var storeLock = await StoreLock.AcquireAsync(workspace.Store.StoreLockFile, exclusive: true, cancellationToken);
        var referenced = await workspace.Configurations.ReferencedLayerKeysAsync(cancellationToken);
        var before = workspace.Store.DiskUsage(cancellationToken);
        var layers = 0;
        foreach (var layer in workspace.Store.List().Where(l => !referenced.Contains(l.Key)).ToList())
        {
            workspace.Store.Delete(layer.Key, cancellationToken);
            layers++;
        }

        // Directories in layers/ without a record are interrupted commits; tmp/ holds interrupted builds.
        foreach (var orphan in workspace.Store.LayerDirectoryNames(cancellationToken).Where(name => !workspace.Store.Contains(name)).ToList())
        {
            workspace.Store.Delete(orphan, cancellationToken);
            layers++;
        }

        // Anything else in layers/ (a symlink, a file) is not vse's: removed as a name, never followed.
        foreach (var stray in workspace.Store.StrayLayerNames(cancellationToken).ToList())
        {
            workspace.Store.Delete(stray, cancellationToken);
        }

        // A layer's blob goes with it; a layer in the site store keeps the blob this user pushed of it.
        var blobs = new LayerBlobCache(workspace.Store).Collect(key => workspace.Store.Contains(key) || workspace.Layers.Site?.Contains(key) == true, cancellationToken);
        var temporaries = workspace.Store.CleanTemporaries(cancellationToken)
            + await InstanceStepRunner.RemoveLeftoversAsync(workspace.Home, cancellationToken)
            // One-shot runs' state directories not yet deleted by a later run (the run's vse was killed, or no run came after).
            + new DiscardedTrees(workspace.Home.Trash).Empty(abandoned: true, cancellationToken: cancellationToken);
        return new Collected(layers, blobs.Entries, temporaries, before - workspace.Store.DiskUsage(cancellationToken) + blobs.Bytes);
    }
}
