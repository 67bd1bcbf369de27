using System.Formats.Tar;
using Vse.Build.Archives;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Images;

/// <summary>
/// An image archive that is a tar file (plain, or gzip which is first unpacked to a temporary
/// file so members can be read in any order). Indexed once; each member is then read straight
/// from its offset. Member names never reach the host filesystem: they are keys in the index.
/// </summary>
internal sealed class TarArchiveSource : IArchiveFileSource
{
    private const int MaxLinkHops = 40;

    private readonly string tarPath;
    private readonly bool ownsTarFile;
    private readonly Dictionary<string, TarMember> members;

    private TarArchiveSource(string archivePath, string tarPath, bool ownsTarFile, Dictionary<string, TarMember> members)
    {
        ArchivePath = archivePath;
        this.tarPath = tarPath;
        this.ownsTarFile = ownsTarFile;
        this.members = members;
    }

    public string ArchivePath { get; }

    public static async Task<TarArchiveSource> OpenAsync(string archivePath, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(archivePath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"image archive '{archivePath}' does not exist", archivePath);
        }

        var tarPath = await DecompressIfNeededAsync(fullPath, cancellationToken).ConfigureAwait(false);
        var ownsTarFile = tarPath != fullPath;
        try
        {
            var members = await IndexAsync(fullPath, tarPath, cancellationToken).ConfigureAwait(false);
            return new TarArchiveSource(fullPath, tarPath, ownsTarFile, members);
        }
        catch
        {
            if (ownsTarFile)
            {
                File.Delete(tarPath);
            }

            throw;
        }
    }

    public bool Exists(string path) => Find(path) is not null;

    public long? LengthOf(string path) => Find(path)?.Length;

    public Stream OpenRead(string path)
    {
        var member = Find(path) ?? throw new InvalidImageArchiveException(ArchivePath, $"'{path}' is missing");
        var file = new FileStream(tarPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return new BoundedReadStream(file, member.DataOffset, member.Length);
    }

    public void Dispose()
    {
        if (ownsTarFile)
        {
            File.Delete(tarPath);
        }
    }

    /// <summary>The regular member at <paramref name="path"/>, following symlink and hard link members within the archive.</summary>
    private TarMember? Find(string path)
    {
        var name = NormalizeName(path);
        for (var hops = 0; name is not null && hops <= MaxLinkHops; hops++)
        {
            if (!members.TryGetValue(name, out var member))
            {
                return null;
            }

            switch (member.Type)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    return member;
                case TarEntryType.HardLink:
                    name = NormalizeName(member.LinkName);
                    break;
                case TarEntryType.SymbolicLink:
                    // `docker save` links a layer that two images share: 'b/layer.tar -> ../a/layer.tar'.
                    var directory = name.Contains('/') ? name[..name.LastIndexOf('/')] : "";
                    name = NormalizeName(member.LinkName.StartsWith('/') ? member.LinkName : directory + "/" + member.LinkName);
                    break;
                default:
                    return null;
            }
        }

        return name is null ? null : throw new InvalidImageArchiveException(ArchivePath, $"'{path}' runs through too many links");
    }

    /// <returns>The member name without leading '/' or './', or null when it climbs out of the archive.</returns>
    private static string? NormalizeName(string name)
    {
        try
        {
            return ImagePath.Normalize(name)[1..];
        }
        catch (UnsafePathException)
        {
            return null;
        }
    }

    private static async Task<Dictionary<string, TarMember>> IndexAsync(string archivePath, string tarPath, CancellationToken cancellationToken)
    {
        var members = new Dictionary<string, TarMember>(StringComparer.Ordinal);
        var file = new FileStream(tarPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var reader = new TarReader(file);
            await using (reader.ConfigureAwait(false))
            {
                try
                {
                    while (await TarEntries.NextAsync(reader, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        if (NormalizeName(entry.Name) is { Length: > 0 } name)
                        {
                            members[name] = new TarMember(entry.EntryType, entry.DataOffset, entry.Length, entry.LinkName);
                        }
                    }
                }
                catch (InvalidDataException problem)
                {
                    throw new InvalidImageArchiveException(archivePath, $"not a readable tar archive: {problem.Message}");
                }
            }
        }

        return members;
    }

    private static async Task<string> DecompressIfNeededAsync(string archivePath, CancellationToken cancellationToken)
    {
        var raw = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        await using (raw.ConfigureAwait(false))
        {
            var magic = new byte[2];
            var read = await raw.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            raw.Position = 0;
            var content = await ArchiveCompression.OpenDecompressedAsync(raw, cancellationToken).ConfigureAwait(false);
            await using (content.ConfigureAwait(false))
            {
                if (!ArchiveCompression.IsGzip(magic.AsSpan(0, read)))
                {
                    return archivePath;
                }

                var temporary = Path.Combine(Path.GetTempPath(), $"vse-archive-{Guid.NewGuid():N}.tar");
                try
                {
                    var output = new FileStream(temporary, new FileStreamOptions
                    {
                        Mode = FileMode.CreateNew,
                        Access = FileAccess.Write,
                        Options = FileOptions.Asynchronous,
                        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    });
                    await using (output.ConfigureAwait(false))
                    {
                        await content.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch
                {
                    File.Delete(temporary);
                    throw;
                }

                return temporary;
            }
        }
    }

    private sealed record TarMember(TarEntryType Type, long DataOffset, long Length, string LinkName);
}
