using System.Diagnostics;
using System.Text;

namespace Vse.Host.Processes;

/// <summary>
/// Runs an external program with an argument list (never a shell string), so no value from a
/// description can be read as shell syntax. Output lines can be streamed for progress; stderr's
/// tail is kept for the error message.
/// </summary>
public static class ExternalTool
{
    private const int ErrorTailLines = 8;

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Finds <paramref name="tool"/> on PATH (or as given, when it has a slash).</summary>
    public static string? Find(string tool)
    {
        if (tool.Contains('/'))
        {
            return File.Exists(tool) ? tool : null;
        }

        // The sbin directories come last: an ordinary user's PATH lacks them, yet mkfs.ext4 and
        // debugfs live there and work unprivileged.
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin") + ":/usr/local/sbin:/usr/sbin:/sbin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The full path of a tool that must be installed.</summary>
    public static string Require(string tool, string debianPackage) =>
        Find(tool) ?? throw new ToolMissingException(tool, debianPackage);

    /// <summary>Runs the tool; a non-zero exit is a <see cref="ToolFailedException"/>.</summary>
    public static async Task<Result> RunAsync(
        string tool,
        IEnumerable<string> arguments,
        CancellationToken cancellationToken,
        Action<string>? onOutputLine = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        Stream? standardInput = null,
        bool forkFromOwnThread = false)
    {
        var result = await RunUncheckedAsync(tool, arguments, cancellationToken, onOutputLine, environment, workingDirectory, standardInput, forkFromOwnThread);
        if (result.ExitCode != 0)
        {
            throw new ToolFailedException(Path.GetFileName(tool), result.ExitCode, Tail(result.Stderr.Length > 0 ? result.Stderr : result.Stdout));
        }

        return result;
    }

    /// <summary>Runs the tool and returns its exit code whatever it is.</summary>
    /// <param name="forkFromOwnThread">
    /// Fork from a thread that lives as long as the tool (<see cref="ForkingThread"/>), for a tool
    /// that asks to die with its parent (<c>PR_SET_PDEATHSIG</c>).
    /// </param>
    public static async Task<Result> RunUncheckedAsync(
        string tool,
        IEnumerable<string> arguments,
        CancellationToken cancellationToken,
        Action<string>? onOutputLine = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        Stream? standardInput = null,
        bool forkFromOwnThread = false)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Always a pipe of our own: a tool vse runs for itself must never read the user's input
            // (a probe container's runtime would swallow what `vse run` is to pass on).
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data, onOutputLine);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data, onOutputLine);
        ForkingThread? forkingThread = null;
        try
        {
            if (forkFromOwnThread)
            {
                forkingThread = await ForkingThread.StartAsync(process);
            }
            else
            {
                process.Start();
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ToolFailedException(Path.GetFileName(tool), -1, e.Message);
        }

        using var releaseForkingThread = forkingThread;

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            await standardInput.CopyToAsync(process.StandardInput.BaseStream, cancellationToken);
        }

        process.StandardInput.Close();

        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            // Wait for it to be gone, so nothing it was writing appears after we return.
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        return new Result(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    private static void Append(StringBuilder buffer, string? line, Action<string>? onOutputLine)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }

        onOutputLine?.Invoke(line);
    }

    private static string Tail(string text) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(ErrorTailLines));
}
