using System.Diagnostics;
using Vse.Build.Rootless;
using Vse.Build.Store;
using Vse.Host.Processes;
using Vse.State;

namespace Vse.Cli;

/// <summary>
/// For an ordinary user, runs this very command again as root of the rootless build namespace
/// (<see cref="BuildNamespace"/>): the commands that write or delete layers (build, destroy, gc)
/// need to own the image's ids, and a multithreaded process cannot enter a user namespace
/// itself. The data directory is passed on explicitly: inside, the process is root, whose
/// default would be /var/lib/vse. Output is the child's own (inherited), and so is the exit code.
/// </summary>
internal static class BuildNamespaceEntry
{
    /// <returns>
    /// The exit code of the command run inside, or null when this process does the work itself:
    /// it is root or already inside, or the user has no namespace to enter (no subordinate ids or
    /// no newuidmap; then the steps that need one say what is missing, and the rest still build).
    /// </returns>
    public static Task<int?> RunInsideAsync(CliEnvironment environment, CancellationToken cancellationToken) =>
        RunInsideAsync(environment, CommandLine(), stdoutToStderr: false, cancellationToken);

    /// <summary>
    /// For an ordinary user, runs <c>vse build FILE [--target T]</c> as root of the rootless build
    /// namespace: how deploy, run and submit build what is not built yet (they cannot enter the
    /// namespace themselves, and must not: their instances run as the user).
    /// </summary>
    /// <returns>As <see cref="RunInsideAsync(CliEnvironment, CancellationToken)"/>: null when this process builds itself.</returns>
    public static Task<int?> BuildInsideAsync(CliEnvironment environment, string file, string? target, CancellationToken cancellationToken)
    {
        var vse = CommandLine();
        // dotnet vse.dll ...: the program is the first two words; a native vse is one.
        var program = Path.GetFileName(vse[0]) == "dotnet" ? vse[..2] : vse[..1];
        // Its report goes to stderr with the rest of the progress: a run's stdout is the command's.
        return RunInsideAsync(environment, [.. program, "build", file, .. target is null ? Array.Empty<string>() : ["--target", target]], stdoutToStderr: true, cancellationToken);
    }

    private static async Task<int?> RunInsideAsync(CliEnvironment environment, string[] commandLine, bool stdoutToStderr, CancellationToken cancellationToken)
    {
        if (Environment.IsPrivilegedProcess
            || BuildNamespace.ProbeCurrentUser() is not { Namespace: { } buildNamespace }
            || ExternalTool.Find("unshare") is not { } unshare)
        {
            return null;
        }

        var start = new ProcessStartInfo(unshare) { UseShellExecute = false, RedirectStandardOutput = stdoutToStderr };
        foreach (var argument in buildNamespace.EnterArguments(commandLine))
        {
            start.ArgumentList.Add(argument);
        }

        var home = VseHome.Resolve(environment.Variables, isRoot: false);
        start.Environment[VseHome.HomeVariable] = home.Root;
        var verdict = JudgeSiteStore(environment, home, cancellationToken);
        start.Environment[SiteStoreVerdict.FileVariable] = verdict;
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("unshare did not start");
            try
            {
                if (stdoutToStderr)
                {
                    await process.StandardOutput.BaseStream.CopyToAsync(Console.OpenStandardError(), cancellationToken);
                }

                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return process.ExitCode;
        }
        finally
        {
            if (verdict is not null)
            {
                File.Delete(verdict);
            }
        }
    }

    /// <summary>
    /// Judges the site store from the host's view, where root is uid 0 and the user is the user
    /// (inside, root shows as 65534 and the user as root), into a file in the data directory.
    /// </summary>
    /// <returns>The verdict's file, or null when no site store is configured.</returns>
    private static string? JudgeSiteStore(CliEnvironment environment, VseHome home, CancellationToken cancellationToken)
    {
        if (VseHome.SiteStore(environment.Variables) is not { } siteRoot)
        {
            return null;
        }

        home.EnsureCreated(cancellationToken);
        var file = Path.Combine(home.Root, $"site-store-verdict.{Environment.ProcessId}.json");
        SiteStoreVerdict.Judge(siteRoot, cancellationToken).Write(file);
        return file;
    }

    /// <summary>This process's command line as it was started: the executable (vse, or dotnet with vse's dll), then its arguments.</summary>
    private static string[] CommandLine()
    {
        var arguments = File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Split('\0');
        return [Environment.ProcessPath ?? arguments[0], .. arguments[1..]];
    }
}
