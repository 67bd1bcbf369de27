using System.Buffers;
using System.Text;
using Vse.Description.Diagnostics;
using Vse.Host.FileSystem;

namespace Vse.Description.Syntax;

/// <summary>
/// Reads the text of a description file without trusting what the path names: only a regular
/// file is read (a device such as <c>/dev/zero</c> would never end, a FIFO would wait forever for a
/// writer), at most <see cref="ReaderLimits.MaxFileBytes"/> bytes are read whatever stat says the
/// size is (a file can grow, and a device's size is 0), and the bytes must be UTF-8.
/// </summary>
/// <remarks>
/// The bytes stay in a pooled buffer and are decoded as the parser reads them, instead of into one
/// string: a file over ~42 KB would make a string (and a read buffer) on the large object heap,
/// whose allocations trigger full (gen2) collections; resolving a large hierarchy of such files
/// paid ~0.7 gen2 collections per resolve for them. Dispose to return the buffer.
/// </remarks>
internal sealed class DescriptionFileText : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private byte[]? _buffer;
    private readonly int _start;
    private readonly int _length;

    private DescriptionFileText(byte[] buffer, int start, int length)
    {
        _buffer = buffer;
        _start = start;
        _length = length;
    }

    /// <summary>The text (valid UTF-8, checked when read; a byte order mark is left out).</summary>
    public TextReader OpenReader() =>
        new StreamReader(new MemoryStream(_buffer ?? throw new ObjectDisposedException(nameof(DescriptionFileText)), _start, _length, writable: false),
            StrictUtf8, detectEncodingFromByteOrderMarks: false);

    /// <summary>The text decoded into a rented array (return it to <see cref="ArrayPool{T}.Shared"/>).</summary>
    /// <param name="length">How many characters of the array are the text.</param>
    public char[] DecodeIntoPooled(out int length)
    {
        var bytes = (_buffer ?? throw new ObjectDisposedException(nameof(DescriptionFileText))).AsSpan(_start, _length);
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length)); // UTF-8 never has fewer bytes than UTF-16 characters
        length = StrictUtf8.GetChars(bytes, chars);
        return chars;
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <returns>The text, or null after reporting why it was not read.</returns>
    public static DescriptionFileText? Read(string path, ReaderLimits limits, DiagnosticBag diagnostics)
    {
        var at = SourceLocation.StartOf(path);
        // Checked before opening too: opening some devices has effects of its own (a tape rewinds,
        // a watchdog arms), so a path that names one is refused without touching it.
        switch (Nodes.StatusOrNull(path, followSymlink: true)?.Type)
        {
            case null:
                diagnostics.Error(DiagnosticCodes.UnreadableFile, at, File.Exists(path) || Directory.Exists(path) ? "cannot read file" : "no such file");
                return null;
            case { } type when type != NodeType.RegularFile:
                diagnostics.Error(DiagnosticCodes.NotARegularFile, at, $"{Describe(type)} is not a description; a description is a regular file");
                return null;
        }

        var (handle, errno) = HostOpen.TryReadWithoutBlocking(path);
        if (handle is null)
        {
            diagnostics.Error(DiagnosticCodes.UnreadableFile, at, $"cannot read file: {new System.ComponentModel.Win32Exception(errno).Message}");
            return null;
        }

        using (handle)
        {
            // The path may have been replaced between the check and the open: what was opened decides.
            if (Nodes.StatusOrNull(handle)?.Type is not NodeType.RegularFile)
            {
                diagnostics.Error(DiagnosticCodes.NotARegularFile, at, "this is no longer a regular file; a description is a regular file");
                return null;
            }

            if (ReadAtMost(handle, limits.MaxFileBytes + 1) is not var (buffer, total))
            {
                diagnostics.Error(DiagnosticCodes.UnreadableFile, at, "cannot read file");
                return null;
            }

            var bytes = buffer.AsSpan(0, total);
            string? problem = null;
            if (total > limits.MaxFileBytes)
            {
                diagnostics.Error(DiagnosticCodes.FileTooLarge, at,
                    problem = $"file is too large (more than {limits.MaxFileBytes} bytes; a description may have at most {limits.MaxFileBytes} bytes)");
            }
            else if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                diagnostics.Error(DiagnosticCodes.NotUtf8, at, problem = "the file is not UTF-8 text; a description is UTF-8");
            }

            if (problem is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return null;
            }

            var start = bytes.StartsWith(ByteOrderMark) ? ByteOrderMark.Length : 0;
            return new DescriptionFileText(buffer, start, total - start);
        }
    }

    // The cap is on the bytes read, not on the size stat reports, which a growing file outruns.
    // The buffer is rented (returned here on failure, by Dispose otherwise).
    private static (byte[] Buffer, int Length)? ReadAtMost(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long cap)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(cap, 64 * 1024));
        var total = 0;
        try
        {
            while (total < cap)
            {
                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(cap, (long)buffer.Length * 2));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // A rented buffer may be longer than asked for: never read past the cap.
                var read = RandomAccess.Read(handle, buffer.AsSpan(total, (int)Math.Min(buffer.Length - total, cap - total)), total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (IOException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }

        return (buffer, total);
    }

    private static string Describe(NodeType type) => type switch
    {
        NodeType.Directory => "a directory",
        NodeType.CharacterDevice => "a character device",
        NodeType.BlockDevice => "a block device",
        NodeType.Fifo => "a FIFO",
        NodeType.Socket => "a socket",
        _ => "a special file",
    };
}
