using Vse.Build;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Locking;
using Vse.Cli.Output;
using Vse.Description;
using Vse.Description.Model;
using Vse.State.Configurations;

namespace Vse.Cli.Commands;

/// <summary>Builds a resolved description (cached steps) and records the configuration: what build, deploy and run share.</summary>
internal static class Configurations
{
    public static async Task<(ConfigurationRecord Configuration, BuildResult Built)> BuildAsync(
        Workspace workspace, ResolvedDescription resolved, RuntimeModel model, bool noCache, bool verbose, TextWriter progress, CancellationToken cancellationToken)
    {
        // Shared, like the builder's own, but held until the configuration that references the new
        // layers is recorded: the builder's is released when the last layer is committed, and a
        // `vse gc` in that gap found every new layer unreferenced and removed it under the record
        // (ConcurrencyTests.Gc_racing_a_build_leaves_the_build_whole_and_cached). Two shared flocks
        // of one process do not exclude each other.
        await using var storeLock = await StoreLock.AcquireAsync(workspace.Store.StoreLockFile, exclusive: false, cancellationToken);
        var warned = workspace.PrintSiteStoreWarnings(0);
        var built = await new ImageBuilder(workspace.Layers, TimeProvider.System)
            .BuildAsync(resolved, model, noCache, new BuildProgressPrinter(progress, verbose), cancellationToken);
        workspace.PrintSiteStoreWarnings(warned);
        var id = ConfigurationRecord.ShortId(resolved.Digest);
        if (built.StepsRun == 0 && await workspace.Configurations.FindAsync(id, cancellationToken) is { } recorded && Unchanged(recorded, resolved, built))
        {
            // Nothing was built and the record already says all of it: skips walking the whole
            // root filesystem for its size and a write transaction, on every deploy and run.
            return (recorded, built);
        }

        var configuration = new ConfigurationRecord(
            id, resolved.Name, resolved.Digest, resolved.Target, built.TopLayerKey, built.Rootfs,
            TreeSize.Of(built.Rootfs, cancellationToken), DateTimeOffset.UtcNow, built.Layers.Select(l => l.Key).ToList(), built.DescriptionJson, built.LockJson);
        await workspace.Configurations.UpsertAsync(configuration, cancellationToken);
        return (configuration, built);
    }

    /// <summary>Whether <paramref name="recorded"/> is exactly what recording this build would write, but for its size and time.</summary>
    private static bool Unchanged(ConfigurationRecord recorded, ResolvedDescription resolved, BuildResult built) =>
        recorded.DescriptionDigest == resolved.Digest
        && recorded.Name == resolved.Name
        && recorded.Target == resolved.Target
        && recorded.TopLayerKey == built.TopLayerKey
        && recorded.RootfsPath == built.Rootfs
        && recorded.DescriptionJson == built.DescriptionJson
        && recorded.LockJson == built.LockJson
        && recorded.LayerKeys.SequenceEqual(built.Layers.Select(l => l.Key), StringComparer.Ordinal);
}
