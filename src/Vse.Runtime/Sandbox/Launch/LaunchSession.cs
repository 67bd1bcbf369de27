using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// One running <c>vse-launch</c> and its line protocol (native/vse-launch/README.md): instance
/// lines in, <c>ID PID</c> when an instance is set up (and, with <c>--hold</c>, held; then
/// <c>start ID</c> in, <c>ID started</c> out), or <c>ID error MESSAGE</c>. Many instances share one session, which is
/// what makes a bulk start cheap: one process clones them all.
/// </summary>
internal sealed class LaunchSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Task _reading;
    private readonly Task<string> _stderr;

    private LaunchSession(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Starts the launcher; every instance of the session gets <paramref name="shape"/>'s env, mounts and first process.</summary>
    public static LaunchSession Start(string launcher, LaunchShape shape)
    {
        var start = new ProcessStartInfo(launcher)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in shape.Arguments())
        {
            start.ArgumentList.Add(argument);
        }

        return new LaunchSession(Process.Start(start) ?? throw new IOException($"{launcher} did not start"));
    }

    /// <summary>
    /// Asks for instances, all in one write; each task ends with the init's host PID once the
    /// instance is set up (and held, or running).
    /// </summary>
    public async Task<IReadOnlyList<Task<int>>> AddManyAsync(IReadOnlyList<LaunchLine> lines, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var held = new List<Task<int>>(lines.Count);
        foreach (var line in lines)
        {
            var pending = new Pending();
            if (!_pending.TryAdd(line.Id, pending))
            {
                throw new ArgumentException($"instance '{line.Id}' is already in this launch", nameof(lines));
            }

            held.Add(pending.Held.Task);
            text.Append(line.Text).Append('\n');
        }

        await WriteAsync(text, cancellationToken);
        return held;
    }

    /// <summary>Lets a held instance run its first process; ends once it has (exec done).</summary>
    public async Task StartAsync(string id, CancellationToken cancellationToken)
    {
        var pending = _pending.TryGetValue(id, out var p) ? p : throw new InvalidOperationException($"instance '{id}' is not in this launch");
        await WriteAsync(new StringBuilder("start ").Append(id).Append('\n'), cancellationToken);
        await pending.Started.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Closes the launcher's input: held instances not started end, and the launcher exits.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writing.WaitAsync();
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It has already gone; _reading says why.
        }
        finally
        {
            _writing.Release();
        }

        await _reading;
        await _process.WaitForExitAsync();
        _process.Dispose();
        _writing.Dispose();
    }

    private async Task WriteAsync(StringBuilder text, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await _process.StandardInput.WriteAsync(text, cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            // The launcher refused to start (a bad argument, a bind source it will not pin) and
            // closed its input: its own words say why, not the broken pipe.
            await _process.WaitForExitAsync(cancellationToken);
            throw await ExitedAsync();
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var fields = line.Split('\t', 3);
            if (fields.Length < 2 || !_pending.TryGetValue(fields[0], out var pending))
            {
                continue;
            }

            if (fields is [_, "started"])
            {
                pending.Started.TrySetResult();
            }
            else if (fields is [_, "error", var message])
            {
                var error = new IOException(message);
                pending.Held.TrySetException(error);
                pending.Started.TrySetException(error);
            }
            else if (int.TryParse(fields[1], out var pid))
            {
                pending.Held.TrySetResult(pid);
            }
        }

        // The launcher has gone: whatever it did not answer never will be.
        await _process.WaitForExitAsync();
        var why = await ExitedAsync();
        foreach (var pending in _pending.Values)
        {
            pending.Held.TrySetException(why);
            pending.Started.TrySetException(why);
        }
    }

    private sealed class Pending
    {
        public TaskCompletionSource<int> Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Why the launcher is gone, in its own words (its stderr), once it has exited.</summary>
    private async Task<IOException> ExitedAsync() =>
        new($"vse-launch exited ({_process.ExitCode}) {(await _stderr).Trim()}".Trim());
}
