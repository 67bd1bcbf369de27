using Vse.Build.Archives;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.State;
using Vse.State.Configurations;

namespace Vse.Deploy.Slurm;

/// <summary>
/// How a configuration's root filesystem reaches a node, decided on the node itself (it alone
/// can tell what it sees), first route that works:
///   1. <b>cached</b>: the node's own cache holds the broadcast export's digest, unpacked
///      (<c>NODE-HOME/staged/HEX/rootfs</c>), from an earlier job;
///   2. <b>shared</b>: the submit host's store is visible at the same path (not with
///      <see cref="StagingMode.Broadcast"/>, which makes the node act as on a cluster without one);
///   3. <b>broadcast</b>: the export sbcast put on the node, checked by its SHA-256 and unpacked
///      into the node's cache.
/// Whichever route, the image used is checked against its own record of what it was built from
/// (<c>/.vse/description.json</c>, whose digest is the configuration's id) before anything starts on it.
/// </summary>
public static class ImageStaging
{
    public const string SharedRoute = "shared";

    public const string CachedRoute = "cached";

    public const string BroadcastRoute = "broadcast";

    /// <summary>The node-local cache of unpacked broadcast exports, one directory per export digest.</summary>
    public static string CacheDirectory(VseHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return Path.Combine(home.Root, "staged");
    }

    /// <summary>The route this node takes without a broadcast, or null when it needs one.</summary>
    /// <exception cref="ImageStagingException">The node neither holds nor sees the image, and no broadcast comes (<see cref="StagingMode.Shared"/>); or what it sees is not the image built.</exception>
    public static (string Route, string Rootfs)? Probe(SlurmJob job, VseHome home, string node)
    {
        ArgumentNullException.ThrowIfNull(job);
        var configuration = job.Configuration;
        if (job.Broadcast is { } broadcast)
        {
            var cached = CachedRootfs(home, broadcast);
            if (Directory.Exists(cached))
            {
                RequireImage(cached, configuration, node, "its cached copy");
                return (CachedRoute, cached);
            }
        }

        var visible = File.Exists(DescriptionRecord(configuration.RootfsPath));
        if (job.Staging != StagingMode.Broadcast && visible)
        {
            RequireImage(configuration.RootfsPath, configuration, node, "the image at " + configuration.RootfsPath);
            return (SharedRoute, configuration.RootfsPath);
        }

        return job.Broadcast is not null
            ? null
            : throw new ImageStagingException(
                $"node {node}: the image {configuration.RootfsPath} is not visible here (no file system shared with the submit host); submit with --staging auto or broadcast to copy it by sbcast");
    }

    /// <summary>The configuration as the node will use it (its root filesystem where the route put it), and the route.</summary>
    /// <exception cref="ImageStagingException">No route works, the broadcast file is missing or damaged, or the image is not the one built.</exception>
    public static async Task<(string Route, ConfigurationRecord Configuration)> StageAsync(SlurmJob job, VseHome home, string node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (Probe(job, home, node) is { } found)
        {
            return (found.Route, job.Configuration with { RootfsPath = found.Rootfs });
        }

        var rootfs = await UnpackAsync(job.Broadcast!, job.Configuration, home, node, cancellationToken);
        return (BroadcastRoute, job.Configuration with { RootfsPath = rootfs });
    }

    /// <summary>Removes this deployment's broadcast file from the node (its content is in the cache by then, or not needed).</summary>
    public static void Discard(SlurmJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        // Where no node needed the broadcast, sbcast never ran and its directory may not exist
        // (File.Delete throws for a missing directory, not for a missing file).
        if (job.Broadcast is { } broadcast && File.Exists(broadcast.Destination))
        {
            File.Delete(broadcast.Destination);
        }
    }

    private static string CachedRootfs(VseHome home, BroadcastImage broadcast) => Path.Combine(CacheDirectory(home), broadcast.DigestHex, "rootfs");

    private static string DescriptionRecord(string rootfs) => Path.Combine(rootfs, ".vse", "description.json");

    /// <summary>
    /// Checks the broadcast file's SHA-256 and unpacks it into the cache. One open file is read
    /// twice (hash, then unpack), so the bytes checked are the bytes unpacked; the entry is renamed
    /// into place whole, so a cache entry that exists is complete.
    /// </summary>
    private static async Task<string> UnpackAsync(BroadcastImage broadcast, ConfigurationRecord configuration, VseHome home, string node, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(broadcast.Destination, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Options = FileOptions.SequentialScan });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageStagingException($"node {node}: the broadcast image {broadcast.Destination} did not arrive (sbcast)");
        }

        await using (file)
        {
            var digest = BroadcastImage.Prefix + Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, cancellationToken));
            if (digest != broadcast.Digest)
            {
                throw new ImageStagingException(
                    $"node {node}: the broadcast image {broadcast.Destination} has digest {digest}, not {broadcast.Digest} (damaged on the way, or replaced)");
            }

            file.Position = 0;
            var cache = CacheDirectory(home);
            Directory.CreateDirectory(cache);
            var entry = Path.Combine(cache, broadcast.DigestHex);
            var temporary = Directory.CreateDirectory(Path.Combine(cache, ".unpacking-" + Guid.NewGuid().ToString("N"))).FullName;
            try
            {
                var rootfs = Directory.CreateDirectory(Path.Combine(temporary, "rootfs")).FullName;
                await ArchiveImporter.ApplyAsync(new ImageRoot(rootfs), file, cancellationToken);
                RequireImage(rootfs, configuration, node, "the broadcast image");
                try
                {
                    Directory.Move(temporary, entry);
                }
                catch (IOException) when (Directory.Exists(entry))
                {
                    // Another job on this node unpacked the same export first: its entry is as good.
                }
            }
            finally
            {
                if (Directory.Exists(temporary))
                {
                    TreeDeleter.Delete(temporary, CancellationToken.None);
                }
            }

            return Path.Combine(entry, "rootfs");
        }
    }

    private static void RequireImage(string rootfs, ConfigurationRecord configuration, string node, string what)
    {
        var record = DescriptionRecord(rootfs);
        if (!File.Exists(record) || File.ReadAllText(record).TrimEnd('\n') != configuration.DescriptionJson)
        {
            throw new ImageStagingException(
                $"node {node}: {what} is not configuration {configuration.Id} (its description differs): rebuilt or replaced since submission");
        }
    }
}
