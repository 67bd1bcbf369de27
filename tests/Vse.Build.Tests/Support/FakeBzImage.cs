using System.Buffers.Binary;
using System.Text;
using Vse.Host.Processes;

namespace Vse.Build.Tests.Support;

/// <summary>
/// A synthetic "bzImage": random setup bytes with a boot protocol header, a compressed kernel as
/// the payload (followed, as in a real one, by its size and by more code), random bytes after.
/// </summary>
internal static class FakeBzImage
{
    public const string Release = "6.1.0-test-amd64";
    private const int SetupSectors = 3;

    /// <param name="tool">xz, zstd, lz4 or gzip (compressing the way the kernel's build does).</param>
    /// <param name="withHeader">Whether the boot protocol header (release, payload_offset/length) is present.</param>
    public static async Task<byte[]> CreateAsync(byte[] kernel, string tool, string scratch, bool withHeader = true)
    {
        var compressed = await CompressAsync(kernel, tool, scratch);
        var random = new Random(7);
        var protectedModeStart = (SetupSectors + 1) * 512;
        var payloadOffset = 333;
        var image = new byte[protectedModeStart + payloadOffset + compressed.Length + 4 + 4096];
        random.NextBytes(image);
        // Seeded: a magic that random bytes held by chance would show in every run, not once in a million.
        if (withHeader)
        {
            image[0x1F1] = SetupSectors;
            "HdrS"u8.CopyTo(image.AsSpan(0x202));
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x206), 0x020F);
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x20E), 0x300);
            Encoding.ASCII.GetBytes(Release + " (test@example) #1 SMP\0").CopyTo(image, 0x300 + 0x200);
            BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x248), (uint)payloadOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x24C), (uint)(compressed.Length + 4));
        }

        var start = protectedModeStart + payloadOffset;
        compressed.CopyTo(image, start);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(start + compressed.Length), (uint)kernel.Length);
        return image;
    }

    private static async Task<byte[]> CompressAsync(byte[] content, string tool, string scratch)
    {
        var input = Path.Combine(scratch, "payload-" + tool);
        await File.WriteAllBytesAsync(input, content);
        var (arguments, output) = tool switch
        {
            "xz" => (new[] { "--check=crc32", "-k", "-f", input }, input + ".xz"),
            "gzip" => (["-k", "-f", "-9", input], input + ".gz"),
            "zstd" => (["-q", "-f", "-19", input, "-o", input + ".zst"], input + ".zst"),
            "lz4" => (["-q", "-f", "-l", "-9", input, input + ".lz4"], input + ".lz4"),
            _ => throw new ArgumentOutOfRangeException(nameof(tool)),
        };
        await ExternalTool.RunAsync(Requirements.Tool(tool), arguments, CancellationToken.None);
        return await File.ReadAllBytesAsync(output);
    }
}
