using System.Diagnostics;

namespace Vse.Runtime.Processes;

/// <summary>
/// Runs a program (argument list, never a shell string) with its standard streams connected to
/// caller's streams as the bytes come, for <c>exec</c>: Vse.Build's ExternalTool collects output
/// into strings, which would hold back a long command's output and lose binary data.
/// </summary>
internal static class StreamingProcess
{
    /// <param name="inheritOutput">
    /// The program writes to this process's own stdout and stderr (which <paramref name="stdout"/> and
    /// <paramref name="stderr"/> then are, and are not used): no pipes, no copying, nothing to drain after it exits.
    /// </param>
    /// <param name="inheritInput">
    /// The program reads this process's own stdin (which <paramref name="stdin"/> then is, and is not
    /// read here): no pipe, and no thread copying into one. Without it a null <paramref name="stdin"/>
    /// gives the program an empty input, never this process's.
    /// </param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(
        string program,
        IEnumerable<string> arguments,
        Stream? stdin,
        Stream? stdout,
        Stream? stderr,
        CancellationToken cancellationToken,
        bool inheritOutput = false,
        bool inheritInput = false)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = !inheritInput,
            RedirectStandardOutput = !inheritOutput,
            RedirectStandardError = !inheritOutput,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var copyOut = inheritOutput ? Task.CompletedTask : Copy(process.StandardOutput.BaseStream, stdout, cancellationToken);
        var copyErr = inheritOutput ? Task.CompletedTask : Copy(process.StandardError.BaseStream, stderr, cancellationToken);
        var copyIn = inheritInput ? Task.CompletedTask : Feed(process.StandardInput.BaseStream, stdin, cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(copyOut, copyErr, copyIn);
        }
        catch (OperationCanceledException)
        {
            await Signals.TerminateAsync(process);
            throw;
        }

        return process.ExitCode;
    }

    /// <summary>
    /// Runs a program on the caller's own standard streams (inherited, not piped): how an
    /// interactive command gets the user's terminal, which a pipe cannot stand in for.
    /// </summary>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAttachedAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await Signals.TerminateAsync(process);
            throw;
        }

        return process.ExitCode;
    }

    private static async Task Copy(Stream from, Stream? to, CancellationToken cancellationToken)
    {
        await from.CopyToAsync(to ?? Stream.Null, cancellationToken);
        if (to is not null)
        {
            await to.FlushAsync(cancellationToken);
        }
    }

    private static async Task Feed(Stream to, Stream? from, CancellationToken cancellationToken)
    {
        try
        {
            if (from is not null)
            {
                await from.CopyToAsync(to, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The program exited without reading all its input: not an error of ours.
        }
        finally
        {
            to.Close();
        }
    }
}
