using System.Text;
using Vse.Host.IO;

namespace Vse.Deploy.Online;

/// <summary>
/// A write-only stream that hands each whole line written to it to a callback (the build's
/// output events), stdout and stderr alike: both may write at once, so writes are serialised.
/// A last line without a newline is handed on by <see cref="Flush"/>.
/// </summary>
internal sealed class OutputLines(Action<string>? onLine) : WriteOnlyStream
{
    private readonly Lock _lock = new();
    private readonly MemoryStream _partial = new();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_lock)
        {
            var rest = buffer;
            int newline;
            while ((newline = rest.IndexOf((byte)'\n')) >= 0)
            {
                _partial.Write(rest[..newline]);
                Emit();
                rest = rest[(newline + 1)..];
            }

            _partial.Write(rest);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        lock (_lock)
        {
            if (_partial.Length > 0)
            {
                Emit();
            }
        }
    }

    private void Emit()
    {
        onLine?.Invoke(Encoding.UTF8.GetString(_partial.GetBuffer(), 0, (int)_partial.Length));
        _partial.SetLength(0);
    }
}
