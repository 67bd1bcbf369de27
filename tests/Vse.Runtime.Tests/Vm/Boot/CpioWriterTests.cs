using System.IO.Compression;
using System.Text;
using Vse.Host.Processes;
using Vse.Runtime.Tests.Support;
using Vse.Runtime.Vm.Boot;

namespace Vse.Runtime.Tests.Vm.Boot;

/// <summary>The archive is read back by GNU cpio, an implementation that is not ours.</summary>
public sealed class CpioWriterTests
{
    private static readonly byte[] Payload = Enumerable.Range(0, 1001).Select(i => (byte)(i * 7)).ToArray();

    [SkippableFact]
    public async Task GNU_cpio_lists_every_entry_with_its_type_mode_and_size()
    {
        var cpio = Requirements.Tool("cpio");
        var archive = await ArchiveAsync(withDevice: true);

        var listing = await ExternalTool.RunAsync(cpio, ["-t", "-v", "--quiet"], CancellationToken.None, standardInput: new MemoryStream(archive));

        var lines = listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["bin", "bin/tool", "bin/sh", "init", "dev/console", "etc/empty"], lines.Select(Name));
        Assert.StartsWith("drwxr-xr-x", lines[0]);
        Assert.StartsWith("-rwxr-xr-x", lines[1]);
        Assert.Contains(" 1001 ", lines[1]);
        Assert.StartsWith("lrwxrwxrwx", lines[2]);
        Assert.EndsWith("bin/sh -> tool", lines[2]);
        Assert.StartsWith("crw-------", lines[4]);
        Assert.Contains("5,   1", lines[4]);
        Assert.StartsWith("-rw-r-----", lines[5]);
        Assert.Equal(0, archive.Length % 4);
    }

    [SkippableFact]
    public async Task GNU_cpio_extracts_the_same_bytes_and_modes()
    {
        var cpio = Requirements.Tool("cpio");
        using var directory = new TempDirectory();
        var archive = await ArchiveAsync(withDevice: false);

        await ExternalTool.RunAsync(cpio, ["-i", "-d", "--quiet", "--no-absolute-filenames"], CancellationToken.None,
            workingDirectory: directory.Path, standardInput: new MemoryStream(archive));

        Assert.Equal(Payload, await File.ReadAllBytesAsync(directory.Combine("bin/tool")));
        Assert.Equal("tool", new FileInfo(directory.Combine("bin/sh")).LinkTarget);
        Assert.Equal("#!/bin/sh\necho hi\n", await File.ReadAllTextAsync(directory.Combine("init")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(directory.Combine("init")));
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(directory.Combine("etc/empty")));
        Assert.Equal(0, new FileInfo(directory.Combine("etc/empty")).Length);
    }

    [SkippableFact]
    public async Task A_gzip_stream_of_it_is_the_same_archive()
    {
        var cpio = Requirements.Tool("cpio");
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await WriteAsync(new CpioWriter(gzip), withDevice: true);
        }

        compressed.Position = 0;
        await using var decompressed = new GZipStream(compressed, CompressionMode.Decompress);
        var listing = await ExternalTool.RunAsync(cpio, ["-t", "--quiet"], CancellationToken.None, standardInput: decompressed);

        Assert.Equal("bin\nbin/tool\nbin/sh\ninit\ndev/console\netc/empty\n", listing.Stdout);
    }

    [Theory]
    [InlineData("/init")]
    [InlineData("")]
    [InlineData("a\0b")]
    public async Task A_name_must_be_relative_and_plain(string name)
    {
        var writer = new CpioWriter(new MemoryStream());

        await Assert.ThrowsAsync<ArgumentException>(() => writer.AddFileAsync(name, Array.Empty<byte>(), UnixFileMode.UserRead, CancellationToken.None));
    }

    private static async Task<byte[]> ArchiveAsync(bool withDevice)
    {
        var output = new MemoryStream();
        await WriteAsync(new CpioWriter(output), withDevice);
        return output.ToArray();
    }

    private static async Task WriteAsync(CpioWriter writer, bool withDevice)
    {
        var ct = CancellationToken.None;
        await writer.AddDirectoryAsync("bin", (UnixFileMode)0b111_101_101, ct);
        await writer.AddFileAsync("bin/tool", Payload, (UnixFileMode)0b111_101_101, ct);
        await writer.AddSymlinkAsync("bin/sh", "tool", ct);
        await writer.AddFileAsync("init", Encoding.UTF8.GetBytes("#!/bin/sh\necho hi\n"), (UnixFileMode)0b111_101_101, ct);
        if (withDevice)
        {
            await writer.AddCharacterDeviceAsync("dev/console", UnixFileMode.UserRead | UnixFileMode.UserWrite, 5, 1, ct);
        }
        else
        {
            await writer.AddDirectoryAsync("etc", (UnixFileMode)0b111_101_101, ct);
        }

        await writer.AddFileAsync("etc/empty", Array.Empty<byte>(), (UnixFileMode)0b110_100_000, ct);
        await writer.FinishAsync(ct);
    }

    /// <summary>The name in a line of <c>cpio -tv</c> (after the date), without a symlink's target.</summary>
    private static string Name(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var arrow = Array.IndexOf(fields, "->");
        return arrow < 0 ? fields[^1] : fields[arrow - 1];
    }
}
