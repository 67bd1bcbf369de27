using Vse.Build.Exports;
using Vse.Build.Registry;
using Vse.Description.Model;
using Vse.Host.FileSystem;
using Vse.Host.Locking;
using Vse.State.Configurations;

namespace Vse.Deploy.Registry;

/// <summary><c>vse push</c>: a recorded configuration's layers to a registry (<see cref="RegistryPusher"/>).</summary>
public static class ConfigurationPush
{
    public static async Task<PushResult> PushAsync(
        Workspace workspace, ConfigurationRecord configuration, RegistryReference destination, bool? verifyTls,
        Action<string>? progress, CancellationToken cancellationToken)
    {
        // Shared, as a build holds it: a `vse gc` or `vse destroy` must not remove a layer while it is read.
        await using var storeLock = await StoreLock.AcquireAsync(workspace.Store.StoreLockFile, exclusive: false, cancellationToken);
        var layers = configuration.LayerKeys.Select(key => new PushedLayer(
            key,
            workspace.Layers.RootfsOf(key),
            workspace.Layers.StoreOf(key).Get(key)?.Title
                ?? throw new InvalidOperationException($"layer {key} of configuration {configuration.Id} is missing from the store; rebuild it with vse build"))).ToList();
        var config = ExportedImageConfig.Of(configuration.Name, configuration.DescriptionDigest, RuntimeModel.FromCanonicalJson(configuration.DescriptionJson));

        // Under the store's tmp/: what a killed push leaves there, `vse gc` removes.
        var work = Path.Combine(workspace.Store.TemporaryDirectory, $"push.{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            return await RegistryPusher.PushAsync(layers, config, destination, verifyTls, new LayerBlobCache(workspace.Store), work, progress, cancellationToken);
        }
        finally
        {
            TreeDeleter.Delete(work, CancellationToken.None);
        }
    }
}
