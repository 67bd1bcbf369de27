using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Vse.Build.Kernels;

/// <summary>
/// Just enough of 64-bit little-endian ELF (x86-64's) to check an extracted kernel and to read a
/// module's <c>.modinfo</c>: headers, program headers, notes and named sections. Every offset and
/// size read from a file is checked against the file's length before use, so a damaged or hostile
/// file gives "not ELF" or "no such section", never an exception or a huge allocation.
/// </summary>
internal static class Elf64
{
    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SectionHeaderSize = 64;
    private const uint NoteSegment = 4;

    /// <summary>XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit PVH entry point QEMU boots an uncompressed kernel through.</summary>
    private const uint PvhEntryNoteType = 18;

    /// <summary>No header table or note vse reads is anywhere near this; more means a damaged file.</summary>
    private const long MaxTableBytes = 16 << 20;

    public static ReadOnlySpan<byte> Magic => [0x7F, (byte)'E', (byte)'L', (byte)'F'];

    /// <summary>
    /// True for a 64-bit little-endian ELF file whose program headers and segments all lie inside
    /// it. A decompressor that stopped early leaves a file that starts like ELF but is cut short;
    /// this tells the two apart.
    /// </summary>
    public static async Task<bool> IsCompleteAsync(string path, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        if (await HeaderAsync(file, length, cancellationToken) is not { } header)
        {
            return false;
        }

        var segments = await ProgramHeadersAsync(file, header, length, cancellationToken);
        return segments is not null && segments.All(segment => segment.Offset + segment.FileSize <= (ulong)length);
    }

    /// <summary>True when the kernel has a PVH entry note (CONFIG_PVH), which QEMU needs to boot an ELF vmlinux.</summary>
    public static async Task<bool> HasPvhEntryAsync(string path, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        if (await HeaderAsync(file, length, cancellationToken) is not { } header)
        {
            return false;
        }

        foreach (var segment in await ProgramHeadersAsync(file, header, length, cancellationToken) ?? [])
        {
            if (segment.Type == NoteSegment
                && await ReadAsync(file, (long)segment.Offset, (long)segment.FileSize, length, cancellationToken) is { } notes
                && ContainsNote(notes, "Xen", PvhEntryNoteType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The bytes of the section named <paramref name="name"/>, or null when there is none.</summary>
    public static async Task<byte[]?> ReadSectionAsync(string path, string name, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        if (await HeaderAsync(file, length, cancellationToken) is not { } header)
        {
            return null;
        }

        var tableOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(40));
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(58));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(60));
        var namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(62));
        if (entrySize < SectionHeaderSize || namesIndex >= count
            || await ReadAsync(file, tableOffset, (long)entrySize * count, length, cancellationToken) is not { } table)
        {
            return null;
        }

        (long Offset, long Size, uint Name) Section(int index)
        {
            var entry = table.AsSpan(index * entrySize, SectionHeaderSize);
            return ((long)BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]),
                BinaryPrimitives.ReadUInt32LittleEndian(entry));
        }

        var namesSection = Section(namesIndex);
        if (await ReadAsync(file, namesSection.Offset, namesSection.Size, length, cancellationToken) is not { } names)
        {
            return null;
        }

        var wanted = Encoding.ASCII.GetBytes(name + "\0");
        for (var index = 0; index < count; index++)
        {
            var section = Section(index);
            if (section.Name < names.Length && names.AsSpan((int)section.Name).StartsWith(wanted))
            {
                return await ReadAsync(file, section.Offset, section.Size, length, cancellationToken);
            }
        }

        return null;
    }

    /// <summary>The file header, when the file is 64-bit little-endian ELF.</summary>
    private static async Task<byte[]?> HeaderAsync(SafeFileHandle file, long length, CancellationToken cancellationToken) =>
        await ReadAsync(file, 0, HeaderSize, length, cancellationToken) is { } header
            && header.AsSpan().StartsWith(Magic) && header[4] == 2 /* ELFCLASS64 */ && header[5] == 1 /* little-endian */
            ? header
            : null;

    private static async Task<List<(uint Type, ulong Offset, ulong FileSize)>?> ProgramHeadersAsync(
        SafeFileHandle file, byte[] header, long length, CancellationToken cancellationToken)
    {
        var tableOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(32));
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(54));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(56));
        if (count == 0 || entrySize < ProgramHeaderSize
            || await ReadAsync(file, tableOffset, (long)entrySize * count, length, cancellationToken) is not { } table)
        {
            return null;
        }

        var segments = new List<(uint, ulong, ulong)>(count);
        for (var index = 0; index < count; index++)
        {
            var entry = table.AsSpan(index * entrySize, ProgramHeaderSize);
            segments.Add((BinaryPrimitives.ReadUInt32LittleEndian(entry), BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(entry[32..])));
        }

        return segments;
    }

    /// <summary>Walks ELF notes (name size, descriptor size, type, then both, each padded to 4 bytes).</summary>
    private static bool ContainsNote(ReadOnlySpan<byte> notes, string name, uint type)
    {
        var wanted = Encoding.ASCII.GetBytes(name + "\0");
        var position = 0;
        while (position + 12 <= notes.Length)
        {
            var nameSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[position..]);
            var descriptorSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[(position + 4)..]);
            var noteType = BinaryPrimitives.ReadUInt32LittleEndian(notes[(position + 8)..]);
            var nameStart = position + 12;
            var next = nameStart + (long)Align4(nameSize) + Align4(descriptorSize);
            if (next > notes.Length)
            {
                return false;
            }

            if (noteType == type && notes.Slice(nameStart, (int)nameSize).SequenceEqual(wanted))
            {
                return true;
            }

            position = (int)next;
        }

        return false;
    }

    private static long Align4(uint value) => (value + 3L) & ~3L;

    private static async Task<byte[]?> ReadAsync(SafeFileHandle file, long offset, long count, long length, CancellationToken cancellationToken)
    {
        if (offset < 0 || count < 0 || count > MaxTableBytes || offset > length - count)
        {
            return null;
        }

        var buffer = new byte[count];
        var done = 0;
        while (done < count)
        {
            var read = await RandomAccess.ReadAsync(file, buffer.AsMemory(done), offset + done, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            done += read;
        }

        return buffer;
    }
}
