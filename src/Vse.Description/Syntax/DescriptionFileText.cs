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
internal static class DescriptionFileText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <returns>The text, or null after reporting why it was not read.</returns>
    public static string? Read(string path, ReaderLimits limits, DiagnosticBag diagnostics)
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

            var bytes = ReadAtMost(handle, limits.MaxFileBytes + 1);
            if (bytes is null)
            {
                diagnostics.Error(DiagnosticCodes.UnreadableFile, at, "cannot read file");
                return null;
            }

            if (bytes.Length > limits.MaxFileBytes)
            {
                diagnostics.Error(DiagnosticCodes.FileTooLarge, at,
                    $"file is too large (more than {limits.MaxFileBytes} bytes; a description may have at most {limits.MaxFileBytes} bytes)");
                return null;
            }

            try
            {
                var text = StrictUtf8.GetString(bytes);
                return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
            }
            catch (DecoderFallbackException)
            {
                diagnostics.Error(DiagnosticCodes.NotUtf8, at, "the file is not UTF-8 text; a description is UTF-8");
                return null;
            }
        }
    }

    // The cap is on the bytes read, not on the size stat reports, which a growing file outruns.
    private static byte[]? ReadAtMost(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long cap)
    {
        var buffer = new byte[(int)Math.Min(cap, 64 * 1024)];
        var total = 0;
        try
        {
            while (total < cap)
            {
                if (total == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(cap, (long)buffer.Length * 2));
                }

                var read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (IOException)
        {
            return null;
        }

        return buffer[..total];
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
