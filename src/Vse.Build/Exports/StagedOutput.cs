using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Exports;

/// <summary>
/// An export's output under a temporary name next to its destination (same file system, so
/// the final rename is atomic). Until <see cref="Commit"/>, the destination keeps whatever it
/// held before; disposing without committing removes the temporary output.
/// </summary>
internal sealed class StagedOutput : IDisposable
{
    private readonly string destination;
    private bool committed;

    public StagedOutput(string destination)
    {
        this.destination = destination;
        TemporaryPath = SiblingName(destination, "tmp");
    }

    /// <summary>Where the exporter writes; nothing exists there yet.</summary>
    public string TemporaryPath { get; }

    /// <summary>Renames the finished output onto the destination, replacing what was there.</summary>
    public void Commit()
    {
        if (Nodes.TryGetStatus(TemporaryPath) is { IsDirectory: true })
        {
            CommitDirectory();
        }
        else
        {
            // rename(2) replaces an existing file atomically: readers see the old file or the new one.
            File.Move(TemporaryPath, destination, overwrite: true);
        }

        committed = true;
    }

    public void Dispose()
    {
        if (!committed)
        {
            TreeDeleter.Delete(TemporaryPath, CancellationToken.None);
        }
    }

    /// <summary>A fresh hidden name beside <paramref name="path"/>, so a crash leaves only names that say what they are.</summary>
    public static string SiblingName(string path, string purpose) =>
        Path.Combine(
            Path.GetDirectoryName(path)!,
            $".{Path.GetFileName(path)}.vse-{purpose}-{Guid.NewGuid().ToString("N")[..12]}");

    // No rename swaps two directories atomically without renameat2(RENAME_EXCHANGE), so the old
    // tree is moved aside first: for a moment the name is absent, but it never names a half tree.
    private void CommitDirectory()
    {
        if (Nodes.TryGetStatus(destination) is null)
        {
            Directory.Move(TemporaryPath, destination);
            return;
        }

        var old = SiblingName(destination, "old");
        Directory.Move(destination, old);
        try
        {
            Directory.Move(TemporaryPath, destination);
        }
        catch (IOException)
        {
            // Another export took the name in between; keep its complete result, not ours.
            if (Nodes.TryGetStatus(destination) is null)
            {
                Directory.Move(old, destination);
            }
            else
            {
                TreeDeleter.Delete(old, CancellationToken.None);
            }

            throw;
        }

        TreeDeleter.Delete(old, CancellationToken.None);
    }
}
