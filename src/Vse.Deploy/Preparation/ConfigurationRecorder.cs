using Vse.Build;
using Vse.Build.FileSystem;
using Vse.Deploy.Online;
using Vse.Host.Locking;
using Vse.Description;
using Vse.Description.Model;
using Vse.Host.FileSystem;
using Vse.State.Configurations;

namespace Vse.Deploy.Preparation;

/// <summary>Builds a resolved description (cached steps) and records the configuration: what build, deploy, run and submit share.</summary>
public static class ConfigurationRecorder
{
    /// <param name="pins">With <c>vse build --locked</c>: the package versions to install.</param>
    /// <param name="warning">
    /// Told each refusal of the site store (<see cref="Vse.Build.Store.LayerChain.Warnings"/>):
    /// those known when the chain was opened before the build, those found while building after it.
    /// </param>
    public static async Task<(ConfigurationRecord Configuration, BuildResult Built)> BuildAsync(
        Workspace workspace, ResolvedDescription resolved, RuntimeModel model, bool noCache, IProgress<BuildEvent>? progress,
        Action<string> warning, CancellationToken cancellationToken, Vse.Build.Locks.PackagePins? pins = null)
    {
        // Shared, like the builder's own, but held until the configuration that references the new
        // layers is recorded: the builder's is released when the last layer is committed, and a
        // `vse gc` in that gap found every new layer unreferenced and removed it under the record
        // (ConcurrencyTests.Gc_racing_a_build_leaves_the_build_whole_and_cached). Two shared flocks
        // of one process do not exclude each other.
        await using var storeLock = await StoreLock.AcquireAsync(workspace.Store.StoreLockFile, exclusive: false, cancellationToken);
        var warned = Warn(workspace, 0, warning);
        var built = await new ImageBuilder(workspace.Layers, TimeProvider.System, new InstanceStepRunner(workspace.Home)).BuildAsync(resolved, model, noCache, progress, cancellationToken, pins);
        Warn(workspace, warned, warning);
        var id = ConfigurationRecord.ShortId(resolved.Digest);
        if (built.StepsRun == 0 && await workspace.FindConfigurationAsync(id, cancellationToken) is { } recorded && Unchanged(recorded, resolved, built))
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

    private static int Warn(Workspace workspace, int skip, Action<string> warning)
    {
        var warnings = workspace.Layers.Warnings;
        foreach (var text in warnings.Skip(skip))
        {
            warning(text);
        }

        return warnings.Count;
    }
}
