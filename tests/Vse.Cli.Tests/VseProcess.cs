using System.Diagnostics;

namespace Vse.Cli.Tests;

/// <summary>Runs the real <c>vse</c> executable, as a user would, and captures what it prints.</summary>
public static class VseProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The vse apphost next to the tests (the CLI project is referenced, so it is copied here).</summary>
    public static string Executable { get; } = Path.Combine(AppContext.BaseDirectory, "vse");

    public static Task<Outcome> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunWithInputAsync(workingDirectory, environment, null, args);

    // A guard against a hung vse, not a timing: a cold Debian build with compilers and Open MPI
    // takes several minutes on a loaded 2-core machine, and over 10 while the VM tests boot
    // guests under TCG beside it and another benchmark loads the machine.
    private static readonly TimeSpan DefaultGuard = TimeSpan.FromMinutes(25);

    /// <param name="input">Written to vse's standard input, then closed; null leaves vse's input an empty pipe.</param>
    public static Task<Outcome> RunWithInputAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, string? input, params string[] args) =>
        RunCoreAsync(workingDirectory, environment, input, DefaultGuard, args);

    /// <summary>
    /// Runs vse with a short guard, for commands that must end quickly however hostile their
    /// input: past <paramref name="guard"/> vse and everything it started is killed and the test fails.
    /// </summary>
    public static Task<Outcome> RunGuardedAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan guard, params string[] args) =>
        RunCoreAsync(workingDirectory, environment, null, guard, args);

    private static async Task<Outcome> RunCoreAsync(
        string workingDirectory, IReadOnlyDictionary<string, string>? environment, string? input, TimeSpan guard, string[] args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("VSE_PATH");
        start.Environment.Remove("VSE_SITE_DIR");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(guard);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"vse {string.Join(' ', args)} did not end within {guard.TotalSeconds:0} s");
        }

        return new Outcome(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs vse under script(1), which gives it a pseudo-terminal as a user's shell would, and
    /// returns what the terminal showed. script's -c takes one shell line, so every word is quoted.
    /// </summary>
    /// <param name="input">Typed on the terminal, then end of input; null leaves script's input open and untouched.</param>
    public static async Task<(int ExitCode, string Output)> RunOnTerminalAsync(IReadOnlyDictionary<string, string> environment, string? input, params string[] args)
    {
        string[] words = [Executable, .. args];
        var line = string.Join(' ', words.Select(w => "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var script = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in (string[])["-qec", line, "/dev/null"])
        {
            script.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            script.Environment[key] = value;
        }

        using var process = Process.Start(script)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
