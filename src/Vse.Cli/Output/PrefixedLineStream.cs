using Vse.Host.IO;

namespace Vse.Cli.Output;

/// <summary>
/// A write-only stream that passes whole lines to a shared output, each after a prefix
/// (<c>HOSTNAME: </c>), as pdsh does: instances running at once interleave by line, never
/// inside one. The last line without a newline is written when the stream is flushed at the end.
/// </summary>
internal sealed class PrefixedLineStream(Stream shared, SemaphoreSlim sharedLock, string prefix) : WriteOnlyStream
{
    private readonly byte[] _prefix = System.Text.Encoding.UTF8.GetBytes(prefix);
    private readonly MemoryStream _partial = new();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var rest = buffer;
        int newline;
        while ((newline = rest.Span.IndexOf((byte)'\n')) >= 0)
        {
            _partial.Write(rest.Span[..(newline + 1)]);
            await EmitAsync(cancellationToken);
            rest = rest[(newline + 1)..];
        }

        _partial.Write(rest.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes a last line that had no newline, with one added.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_partial.Length > 0)
        {
            _partial.WriteByte((byte)'\n');
            await EmitAsync(cancellationToken);
        }
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    private async Task EmitAsync(CancellationToken cancellationToken)
    {
        await sharedLock.WaitAsync(cancellationToken);
        try
        {
            await shared.WriteAsync(_prefix, cancellationToken);
            await shared.WriteAsync(_partial.GetBuffer().AsMemory(0, (int)_partial.Length), cancellationToken);
            await shared.FlushAsync(cancellationToken);
        }
        finally
        {
            sharedLock.Release();
        }

        _partial.SetLength(0);
    }
}
