using System.Diagnostics;
using Vse.Runtime.Sandbox.Launch;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>Runs the built vse-launch with arguments and no instances (stdin closed at once), for its refusals of bad input.</summary>
internal static class LauncherProcess
{
    /// <summary>The launcher's exit code and stderr; skips (fails under CI) when vse-launch is not built.</summary>
    public static async Task<(int ExitCode, string Stderr)> RunAsync(params string[] arguments)
    {
        var launcher = LaunchedSandboxDriver.FindLauncher();
        if (launcher is null)
        {
            Requirements.Missing("vse-launch is not built (make -C native/vse-launch; test.sh does)");
        }

        var start = new ProcessStartInfo(launcher!) { RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, stderr);
    }
}
