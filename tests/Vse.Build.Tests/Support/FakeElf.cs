using System.Buffers.Binary;
using System.Text;

namespace Vse.Build.Tests.Support;

/// <summary>
/// Minimal 64-bit ELF files for tests: an "executable" with the PVH entry note QEMU needs (and a
/// body of random bytes, so compressing it is not trivial), and a "module" with a <c>.modinfo</c>.
/// </summary>
internal static class FakeElf
{
    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SectionHeaderSize = 64;

    /// <param name="pvh">Whether to include the Xen PHYS32_ENTRY note (type 18).</param>
    public static byte[] Kernel(int bodyLength = 64 * 1024, bool pvh = true, int seed = 1)
    {
        var note = new byte[12 + 4 + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(note, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(4), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(8), pvh ? 18u : 17u);
        "Xen\0"u8.CopyTo(note.AsSpan(12));
        var noteOffset = HeaderSize + 2 * ProgramHeaderSize;
        var total = noteOffset + note.Length + bodyLength;
        var file = new byte[total];
        WriteHeader(file, type: 2, programHeaders: 2, sectionOffset: 0, sections: 0, namesIndex: 0);
        WriteProgramHeader(file.AsSpan(HeaderSize), type: 4, offset: noteOffset, size: note.Length);
        WriteProgramHeader(file.AsSpan(HeaderSize + ProgramHeaderSize), type: 1, offset: 0, size: total);
        note.CopyTo(file, noteOffset);
        new Random(seed).NextBytes(file.AsSpan(noteOffset + note.Length));
        // A banner as a real kernel has, so the release can be read from an ELF vmlinux.
        "Linux version 6.1.0-fake-amd64 (test) #1\0"u8.CopyTo(file.AsSpan(noteOffset + note.Length + 100));
        return file;
    }

    /// <summary>A relocatable ELF with sections .modinfo (the given key=value strings) and .shstrtab.</summary>
    public static byte[] Module(params string[] modinfo)
    {
        var info = Encoding.ASCII.GetBytes(string.Concat(modinfo.Select(entry => entry + "\0")));
        var names = "\0.modinfo\0.shstrtab\0"u8.ToArray();
        var infoOffset = HeaderSize;
        var namesOffset = infoOffset + info.Length;
        var sectionOffset = (namesOffset + names.Length + 7) & ~7;
        var file = new byte[sectionOffset + 3 * SectionHeaderSize];
        WriteHeader(file, type: 1, programHeaders: 0, sectionOffset, sections: 3, namesIndex: 2);
        info.CopyTo(file, infoOffset);
        names.CopyTo(file, namesOffset);
        WriteSectionHeader(file.AsSpan(sectionOffset + SectionHeaderSize), name: 1, offset: infoOffset, size: info.Length);
        WriteSectionHeader(file.AsSpan(sectionOffset + 2 * SectionHeaderSize), name: 10, offset: namesOffset, size: names.Length);
        return file;
    }

    private static void WriteHeader(Span<byte> file, ushort type, ushort programHeaders, int sectionOffset, ushort sections, ushort namesIndex)
    {
        "\u007fELF"u8.CopyTo(file);
        file[4] = 2; // 64-bit
        file[5] = 1; // little-endian
        file[6] = 1; // version
        BinaryPrimitives.WriteUInt16LittleEndian(file[16..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(file[18..], 62); // x86-64
        BinaryPrimitives.WriteUInt32LittleEndian(file[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file[32..], programHeaders == 0 ? 0UL : HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(file[40..], (ulong)sectionOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(file[52..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(file[54..], ProgramHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(file[56..], programHeaders);
        BinaryPrimitives.WriteUInt16LittleEndian(file[58..], SectionHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(file[60..], sections);
        BinaryPrimitives.WriteUInt16LittleEndian(file[62..], namesIndex);
    }

    private static void WriteProgramHeader(Span<byte> entry, uint type, int offset, int size)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, type);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[40..], (ulong)size);
    }

    private static void WriteSectionHeader(Span<byte> entry, uint name, int offset, int size)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, name);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1); // PROGBITS
        BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], (ulong)size);
    }
}
