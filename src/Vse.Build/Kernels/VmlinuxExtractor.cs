using System.Buffers.Binary;
using Vse.Host.Processes;

namespace Vse.Build.Kernels;

/// <summary>
/// Gets the uncompressed ELF kernel out of a bzImage (vmlinuz), the idea of the kernel's
/// <c>scripts/extract-vmlinux</c>: find each place a compression format's magic occurs, decompress
/// from there with the standard tool, and keep the first output that is a complete ELF file. QEMU
/// boots that ELF through its PVH note without running the kernel's own decompressor, which under
/// TCG costs ~3 s a boot (docs/host-facts.md, "Booting under TCG").
/// </summary>
internal static class VmlinuxExtractor
{
    /// <summary>A short magic also matches inside compressed data by chance; the real payload comes early.</summary>
    private const int MaxCandidatesPerFormat = 8;

    /// <summary>The x86 boot protocol's bytes after the payload: the kernel appends the uncompressed size (all but gzip, which carries its own).</summary>
    private const int SizeTrailer = 4;

    /// <summary>Writes the ELF kernel of <paramref name="image"/> (a bzImage, or already an ELF vmlinux, then copied) to <paramref name="output"/>.</summary>
    /// <exception cref="KernelSourceException">No payload in the image decompresses to an ELF kernel.</exception>
    public static async Task ExtractAsync(string image, string output, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(image, cancellationToken);
        if (bytes.AsSpan().StartsWith(Elf64.Magic))
        {
            await using (var source = File.OpenRead(image))
            await using (var target = File.Create(output))
            {
                await source.CopyToAsync(target, cancellationToken);
            }

            if (!await Elf64.IsCompleteAsync(output, cancellationToken))
            {
                throw new KernelSourceException($"'{image}' starts like an ELF kernel but is not a complete 64-bit ELF file");
            }

            return;
        }

        var payload = HeaderPayload(bytes);
        var tried = new List<string>();
        foreach (var format in PayloadFormat.All)
        {
            var offsets = Occurrences(bytes, format.Magic).Take(MaxCandidatesPerFormat).ToList();
            if (offsets.Count == 0)
            {
                continue;
            }

            var tool = ExternalTool.Require(format.Tool, format.DebianPackage);
            foreach (var offset in offsets)
            {
                foreach (var length in CandidateLengths(bytes.Length, offset, payload))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (await TryDecompressAsync(bytes.AsMemory(offset, length), format, tool, output, cancellationToken))
                    {
                        return;
                    }
                }

                tried.Add($"{format.Name} at byte {offset}");
            }
        }

        throw new KernelSourceException(tried.Count == 0
            ? $"'{image}' is neither an ELF vmlinux nor a bzImage with an xz, lz4, zstd or gzip payload"
            : $"'{image}': no compressed payload decompresses to an ELF kernel (tried {string.Join(", ", tried)})");
    }

    private static async Task<bool> TryDecompressAsync(
        ReadOnlyMemory<byte> candidate, PayloadFormat format, string tool, string output, CancellationToken cancellationToken)
    {
        var input = output + format.Suffix;
        try
        {
            await File.WriteAllBytesAsync(input, candidate, cancellationToken);
            File.Delete(output);
            // Errors are expected (trailing data, a chance match of the magic): what counts is whether a complete ELF came out.
            await ExternalTool.RunUncheckedAsync(tool, format.DecompressArguments(input, output), cancellationToken);
            if (File.Exists(output) && await Elf64.IsCompleteAsync(output, cancellationToken))
            {
                return true;
            }

            File.Delete(output);
            return false;
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>To the end of the file (the tools stop at the stream's end or keep what they decoded); and, at the payload the header names, exactly the compressed stream, for a tool that drops its output on trailing data.</summary>
    private static IEnumerable<int> CandidateLengths(int fileLength, int offset, (int Start, int Length)? payload)
    {
        yield return fileLength - offset;
        if (payload is { } known && known.Start == offset && known.Length > SizeTrailer)
        {
            yield return known.Length - SizeTrailer;
        }
    }

    /// <summary>
    /// Where the boot protocol header (2.08 and later) says the payload is: <c>payload_offset</c>
    /// and <c>payload_length</c>, counted from the protected-mode code after the setup sectors.
    /// </summary>
    private static (int Start, int Length)? HeaderPayload(byte[] bytes)
    {
        if (bytes.Length < 0x250 || !bytes.AsSpan(0x202, 4).SequenceEqual("HdrS"u8)
            || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x206)) < 0x208)
        {
            return null;
        }

        var setupSectors = bytes[0x1F1] == 0 ? 4 : bytes[0x1F1];
        var start = (long)(setupSectors + 1) * 512 + BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(0x248));
        var length = (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(0x24C));
        return length > 0 && start + length <= bytes.Length ? ((int)start, (int)length) : null;
    }

    private static IEnumerable<int> Occurrences(byte[] bytes, byte[] magic)
    {
        var from = 0;
        while (from < bytes.Length)
        {
            var found = bytes.AsSpan(from).IndexOf(magic);
            if (found < 0)
            {
                yield break;
            }

            yield return from + found;
            from += found + 1;
        }
    }
}
