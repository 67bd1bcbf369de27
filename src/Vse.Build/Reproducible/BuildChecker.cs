using Vse.Build.Locks;
using Vse.Build.Online;
using Vse.Build.Store;
using Vse.Description;
using Vse.Description.Model;
using Vse.Host.FileSystem;
using Vse.Host.Locking;

namespace Vse.Build.Reproducible;

/// <summary>
/// <c>vse build --check</c>, in the manner of <c>nix build --check</c>: builds every layer of a
/// description again, without cache, into a scratch store of its own (under the store's
/// <c>tmp/</c>, so the cached layers are never touched and a gc or crash leaves nothing behind)
/// and compares each rebuilt tree with the cached layer of the same key
/// (<see cref="LayerComparison"/>). The scratch store is removed however the check ends.
/// </summary>
public static class BuildChecker
{
    /// <param name="chain">Where the cached layers are (the user's store, then the site store).</param>
    /// <param name="pins">The <c>--locked</c> versions the cached build installed, if any.</param>
    /// <param name="cached">The layers of the cached build of <paramref name="resolved"/>, bottom first.</param>
    /// <returns>Every layer whose step did not reproduce, bottom first; empty when all match.</returns>
    public static async Task<IReadOnlyList<LayerMismatch>> CheckAsync(
        LayerChain chain, IReadOnlyList<BuiltLayer> cached, ResolvedDescription resolved, RuntimeModel model,
        IOnlineStepRunner? online, IProgress<BuildEvent>? progress, CancellationToken cancellationToken, PackagePins? pins = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(cached);
        // Held shared throughout: gc (exclusive) neither removes the cached layers nor the scratch store under the check.
        await using var storeLock = await StoreLock.AcquireAsync(chain.Own.StoreLockFile, exclusive: false, cancellationToken);
        var scratchRoot = Path.Combine(chain.Own.TemporaryDirectory, $"check.{Guid.NewGuid():N}");
        try
        {
            var scratch = new LayerStore(scratchRoot);
            var rebuilt = await new ImageBuilder(LayerChain.Single(scratch), TimeProvider.System, online)
                .BuildAsync(resolved, model, noCache: true, progress, cancellationToken, pins);
            var contents = new Dictionary<(ulong Device, ulong Inode), string>();
            var mismatches = new List<LayerMismatch>();
            TreeManifest? cachedParent = null;
            TreeManifest? rebuiltParent = null;
            for (var i = 0; i < Math.Min(cached.Count, rebuilt.Layers.Count); i++)
            {
                var layer = cached[i];
                var cachedTree = await TreeManifest.ReadAsync(chain.RootfsOf(layer.Key), contents, cancellationToken);
                // By position, not key: the plan is the same, but a Debian base's key is the archive's state, which may move during the check.
                var rebuiltTree = await TreeManifest.ReadAsync(scratch.RootfsOf(rebuilt.Layers[i].Key), contents, cancellationToken);
                if (LayerComparison.DifferencesMadeBy(cachedParent, rebuiltParent, cachedTree, rebuiltTree) is { Count: > 0 } paths)
                {
                    mismatches.Add(new LayerMismatch(i + 1, layer.Title, layer.Key, paths));
                }

                (cachedParent, rebuiltParent) = (cachedTree, rebuiltTree);
            }

            return mismatches;
        }
        finally
        {
            TreeDeleter.Delete(scratchRoot, CancellationToken.None);
        }
    }
}
