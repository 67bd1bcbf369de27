using System.Formats.Tar;
using System.IO.Compression;

namespace Vse.Build.Tests.Support;

/// <summary>Writes small tar archives, hostile ones included, member by member.</summary>
internal sealed class TarBuilder
{
    public const UnixFileMode Mode644 =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode Mode755 = Mode644 | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static readonly DateTimeOffset DefaultTime = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly MemoryStream stream = new();
    private readonly TarWriter writer;

    public TarBuilder()
    {
        writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
    }

    public TarBuilder Directory(string name, UnixFileMode mode = Mode755, int uid = 0, int gid = 0, DateTimeOffset? time = null) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode, Uid = uid, Gid = gid, ModificationTime = time ?? DefaultTime });

    public TarBuilder File(string name, string content, UnixFileMode mode = Mode644, int uid = 0, int gid = 0, DateTimeOffset? time = null) =>
        Add(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = mode,
            Uid = uid,
            Gid = gid,
            ModificationTime = time ?? DefaultTime,
            DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
        });

    public TarBuilder File(string name, byte[] content) =>
        Add(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = Mode644, ModificationTime = DefaultTime, DataStream = new MemoryStream(content) });

    public TarBuilder Symlink(string name, string target, DateTimeOffset? time = null) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = Mode755, ModificationTime = time ?? DefaultTime });

    public TarBuilder HardLink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, Mode = Mode644, ModificationTime = DefaultTime });

    public TarBuilder Device(string name, TarEntryType type, int major, int minor) =>
        Add(new PaxTarEntry(type, name) { Mode = Mode644, DeviceMajor = major, DeviceMinor = minor, ModificationTime = DefaultTime });

    public TarBuilder Fifo(string name) =>
        Add(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = Mode644, ModificationTime = DefaultTime });

    public TarBuilder Add(TarEntry entry)
    {
        writer.WriteEntry(entry);
        return this;
    }

    public byte[] ToArray()
    {
        writer.Dispose();
        return stream.ToArray();
    }

    public byte[] ToGzip() => Gzip(ToArray());

    public static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }
}
