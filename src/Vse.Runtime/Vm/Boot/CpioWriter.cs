using System.Globalization;
using System.Text;

namespace Vse.Runtime.Vm.Boot;

/// <summary>
/// Writes a cpio archive in the "newc" format, the one the kernel unpacks as an initramfs: per
/// entry a 110-byte ASCII header (<c>070701</c> and thirteen 8-digit hex fields), the NUL-ended
/// name, the data, each padded to 4 bytes; <c>TRAILER!!!</c> at the end. Owners are root and times
/// zero, so equal content gives an equal archive. Entries are written in the order added: a
/// directory must come before what it holds, as the kernel creates nothing implicitly.
/// </summary>
public sealed class CpioWriter(Stream output)
{
    private const int HeaderLength = 110;
    private const int FileType = 0x8000;
    private const int DirectoryType = 0x4000;
    private const int SymlinkType = 0xA000;
    private const int CharacterDeviceType = 0x2000;
    private const int PermissionBits = 0xFFF;

    private long _written;
    private uint _nextInode = 1;

    public Task AddDirectoryAsync(string name, UnixFileMode permissions, CancellationToken cancellationToken) =>
        WriteEntryAsync(name, DirectoryType | Permissions(permissions), links: 2, ReadOnlyMemory<byte>.Empty, 0, 0, cancellationToken);

    public Task AddFileAsync(string name, ReadOnlyMemory<byte> content, UnixFileMode permissions, CancellationToken cancellationToken) =>
        WriteEntryAsync(name, FileType | Permissions(permissions), links: 1, content, 0, 0, cancellationToken);

    /// <summary>Adds a file with the content of <paramref name="hostFile"/>, streamed.</summary>
    public async Task AddFileAsync(string name, string hostFile, UnixFileMode permissions, CancellationToken cancellationToken)
    {
        await using var content = File.OpenRead(hostFile);
        await WriteHeaderAsync(name, FileType | Permissions(permissions), links: 1, content.Length, 0, 0, cancellationToken);
        await content.CopyToAsync(output, cancellationToken);
        _written += content.Length;
        await PadAsync(cancellationToken);
    }

    public Task AddSymlinkAsync(string name, string target, CancellationToken cancellationToken) =>
        WriteEntryAsync(name, SymlinkType | 0x1FF, links: 1, Encoding.UTF8.GetBytes(target), 0, 0, cancellationToken);

    public Task AddCharacterDeviceAsync(string name, UnixFileMode permissions, uint major, uint minor, CancellationToken cancellationToken) =>
        WriteEntryAsync(name, CharacterDeviceType | Permissions(permissions), links: 1, ReadOnlyMemory<byte>.Empty, major, minor, cancellationToken);

    /// <summary>Ends the archive. Nothing may be added after it.</summary>
    public Task FinishAsync(CancellationToken cancellationToken) =>
        WriteEntryAsync("TRAILER!!!", 0, links: 1, ReadOnlyMemory<byte>.Empty, 0, 0, cancellationToken, inode: 0);

    private async Task WriteEntryAsync(
        string name, int mode, int links, ReadOnlyMemory<byte> content, uint major, uint minor, CancellationToken cancellationToken, uint? inode = null)
    {
        await WriteHeaderAsync(name, mode, links, content.Length, major, minor, cancellationToken, inode);
        await output.WriteAsync(content, cancellationToken);
        _written += content.Length;
        await PadAsync(cancellationToken);
    }

    private async Task WriteHeaderAsync(
        string name, int mode, int links, long size, uint major, uint minor, CancellationToken cancellationToken, uint? inode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith('/') || name.Contains('\0'))
        {
            throw new ArgumentException($"cpio entry name '{name}' must be relative and contain no NUL", nameof(name));
        }

        if (size > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"'{name}' is too large for a newc archive (4 GiB at most)");
        }

        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        var header = new StringBuilder("070701", HeaderLength);
        foreach (var field in new[]
        {
            inode ?? _nextInode++, (uint)mode, 0u /* uid */, 0u /* gid */, (uint)links, 0u /* mtime */, (uint)size,
            0u, 0u /* device of the archive's file system */, major, minor, (uint)nameBytes.Length, 0u /* check */,
        })
        {
            header.Append(field.ToString("X8", CultureInfo.InvariantCulture));
        }

        await output.WriteAsync(Encoding.ASCII.GetBytes(header.ToString()), cancellationToken);
        await output.WriteAsync(nameBytes, cancellationToken);
        _written += HeaderLength + nameBytes.Length;
        await PadAsync(cancellationToken);
    }

    private async Task PadAsync(CancellationToken cancellationToken)
    {
        var padding = (int)(-_written & 3);
        if (padding > 0)
        {
            await output.WriteAsync(new byte[padding], cancellationToken);
            _written += padding;
        }
    }

    private static int Permissions(UnixFileMode permissions) => (int)permissions & PermissionBits;
}
