using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Vse.Build.Kernels;

/// <summary>
/// A kernel file's release (<c>uname -r</c>): from a bzImage's boot protocol header
/// (<c>kernel_version</c>), else from the <c>Linux version RELEASE</c> banner an ELF vmlinux
/// carries in the clear.
/// </summary>
internal static partial class KernelRelease
{
    /// <returns>The release, or null when the file says none vse can use as a directory name.</returns>
    public static string? Of(ReadOnlySpan<byte> image)
    {
        if (image.Length >= 0x210 && image.Slice(0x202, 4).SequenceEqual("HdrS"u8))
        {
            var offset = BinaryPrimitives.ReadUInt16LittleEndian(image[0x20E..]) + 0x200;
            if (offset < image.Length && FirstWord(image[offset..]) is { } fromHeader)
            {
                return fromHeader;
            }
        }

        var banner = image.IndexOf("Linux version "u8);
        return banner < 0 ? null : FirstWord(image[(banner + "Linux version ".Length)..]);
    }

    private static string? FirstWord(ReadOnlySpan<byte> text)
    {
        var end = text.IndexOfAny((byte)' ', (byte)0);
        var word = Encoding.ASCII.GetString(end < 0 ? text[..Math.Min(text.Length, 128)] : text[..end]);
        return ReleasePattern().IsMatch(word) ? word : null;
    }

    [GeneratedRegex("^[0-9][A-Za-z0-9._+~-]{0,127}$")]
    private static partial Regex ReleasePattern();
}
