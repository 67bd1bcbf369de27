using Vse.Build;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
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
        var built = await new ImageBuilder(workspace.Store, TimeProvider.System)
            .BuildAsync(resolved, model, noCache, new BuildProgressPrinter(progress, verbose), cancellationToken);
        var configuration = new ConfigurationRecord(
            ConfigurationRecord.ShortId(resolved.Digest), resolved.Name, resolved.Digest, resolved.Target, built.TopLayerKey, built.Rootfs,
            TreeSize.Of(built.Rootfs, cancellationToken), DateTimeOffset.UtcNow, built.Layers.Select(l => l.Key).ToList(), built.DescriptionJson, built.LockJson);
        await workspace.Configurations.UpsertAsync(configuration, cancellationToken);
        return (configuration, built);
    }
}
