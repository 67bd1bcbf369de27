using System.Globalization;
using System.Security.Cryptography;
using Vse.Build.Exports;
using Vse.Host.Locking;
using Vse.State;
using Vse.State.Configurations;

namespace Vse.Deploy.Slurm;

/// <summary>
/// The tar export of a configuration for <c>sbcast</c>, made once per configuration on the submit
/// host: <c>$VSE_HOME/slurm-exports/ID.tar</c> and its SHA-256 in <c>ID.tar.sha256</c> (written
/// after the export, so its presence means a whole export). Beside the job directories because the
/// batch script runs on the allocation's first node, which must read it (docs/slurm.md).
/// Tar, not squashfs: sbcast compresses on the wire itself (lz4), and a node unpacks a tar with
/// vse's own importer, which keeps every member inside the image (no tool, no mount, no root needed).
/// </summary>
public static class BroadcastExport
{
    public static string Directory(string vseHome) => Path.Combine(vseHome, "slurm-exports");

    /// <summary>
    /// The lock on the exports (<c>$VSE_HOME/locks/slurm-exports.lock</c>): shared by a submission from
    /// before it makes or reuses an export until its job directory names the job (its id recorded),
    /// exclusive for <c>vse gc</c> while it decides which exports no job needs and removes them.
    /// Without it, gc could remove an export made after it listed the job directories and before
    /// the job that needs it was recorded.
    /// </summary>
    public static Task<StoreLock> LockAsync(string vseHome, bool exclusive, CancellationToken cancellationToken) =>
        StoreLock.AcquireAsync(new VseHome(vseHome).LockFile("slurm-exports"), exclusive, cancellationToken);

    /// <summary>Beside each export, the file of its SHA-256 (<c>ID.tar.sha256</c>).</summary>
    public const string DigestSuffix = ".sha256";

    /// <summary>The export of <paramref name="configuration"/>, made now if it is not there yet.</summary>
    /// <param name="made">Told when an export was made (not reused), with its size in bytes.</param>
    /// <param name="destination">Where sbcast is to put it on each node.</param>
    public static async Task<BroadcastImage> PrepareAsync(
        string vseHome, ConfigurationRecord configuration, string destination, Action<long>? made, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var directory = Directory(vseHome);
        System.IO.Directory.CreateDirectory(directory);
        var export = Path.Combine(directory, configuration.Id + ".tar");
        var digestFile = export + DigestSuffix;
        if (!File.Exists(export) || !File.Exists(digestFile))
        {
            var config = new ExportedImageConfig(configuration.Name, configuration.DescriptionDigest, new Dictionary<string, string>(), null, null);
            await ImageExporter.ExportAsync(configuration.RootfsPath, config, new ExportTarget(ExportFormat.Tar, export), cancellationToken);
            string digest;
            await using (var stream = File.OpenRead(export))
            {
                digest = BroadcastImage.Prefix + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            }

            await JobDirectory.WriteAtomicallyAsync(digestFile, digest + "\n", cancellationToken);
            made?.Invoke(new FileInfo(export).Length);
        }

        var image = new BroadcastImage(export, (await File.ReadAllTextAsync(digestFile, cancellationToken)).Trim(), new FileInfo(export).Length, destination);
        _ = image.DigestHex;
        return image;
    }

    /// <summary>Where sbcast puts deployment <paramref name="deploymentId"/>'s image on each node: below the nodes' data directories' root (node-local).</summary>
    public static string DestinationFor(string nodeHomeRoot, string deploymentId) =>
        Path.Combine(nodeHomeRoot, IncomingDirectory, deploymentId + ".tar");

    /// <summary>The directory below the nodes' data directories' root where broadcast files land (beside the nodes' own directories).</summary>
    public const string IncomingDirectory = "incoming";

    /// <summary>The size as people read it (MiB, one decimal).</summary>
    public static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
