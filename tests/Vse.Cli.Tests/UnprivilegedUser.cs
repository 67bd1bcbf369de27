using System.Diagnostics;
using System.Globalization;

namespace Vse.Cli.Tests;

/// <summary>
/// An ordinary user made by the test (useradd) who runs a copy of vse under its own ids
/// (setpriv), with only the environment such a user would have and a data directory of its own.
/// </summary>
internal sealed record UnprivilegedUser(string Name, uint Uid, uint Gid, string Setpriv, string Vse, string WorkingDirectory)
{
    /// <summary>Variables set for vse beyond a user's own (VSE_SITE_DIR, for example).</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    public string Home => Path.Combine(WorkingDirectory, "home");

    /// <summary>
    /// Creates the user if it does not exist: a system user gets no subordinate ids from useradd,
    /// an ordinary one gets a range of 65,536 in /etc/subuid and /etc/subgid.
    /// </summary>
    public static async Task<(uint Uid, uint Gid)> EnsureAsync(string name, bool system)
    {
        if (await IdAsync(name, "-u") is not { } uid)
        {
            var useradd = Requirements.Tool("useradd");
            var result = await RunToolAsync(useradd, [.. system ? ["--system"] : Array.Empty<string>(), "--no-create-home", "--shell", "/usr/sbin/nologin", name]);
            Assert.True(result.ExitCode == 0, result.Stderr);
            uid = (await IdAsync(name, "-u"))!.Value;
        }

        return (uid, (await IdAsync(name, "-g"))!.Value);
    }

    /// <summary>A copy of the vse next to the tests that the user can reach (the build directory may sit below one only root can enter).</summary>
    public static string CopyOfVse(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(directory, Path.GetRelativePath(AppContext.BaseDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        for (var d = directory; d != "/"; d = Path.GetDirectoryName(d)!)
        {
            // The temporary directory is made 0700: the user must be able to reach the copy.
            File.SetUnixFileMode(d, File.GetUnixFileMode(d) | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
            if (d == Path.GetTempPath().TrimEnd('/'))
            {
                break;
            }
        }

        return Path.Combine(directory, "vse");
    }

    public static async Task ChownAsync(string path, uint uid, uint gid)
    {
        var result = await RunToolAsync("chown", ["-R", $"{uid}:{gid}", path]);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    /// <summary>Runs a tool as the test (root) and captures its output.</summary>
    public static async Task<VseProcess.Outcome> RunToolAsync(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new VseProcess.Outcome(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>vse run under the user's ids.</summary>
    public async Task<VseProcess.Outcome> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Setpriv)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[$"--reuid={Uid}", $"--regid={Gid}", "--clear-groups", "--", Vse, .. args])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("VSE_PATH");
        start.Environment.Remove("VSE_SITE_DIR");
        // No site store unless the test names one: the machine's own must not change what a test sees.
        start.Environment["VSE_SITE_STORE"] = "";
        start.Environment["VSE_HOME"] = Home;
        start.Environment["HOME"] = WorkingDirectory;
        start.Environment["USER"] = Name;
        start.Environment["DOTNET_CLI_HOME"] = WorkingDirectory;
        foreach (var (key, value) in Variables)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new VseProcess.Outcome(process.ExitCode, await stdout, await stderr);
    }

    private static async Task<uint?> IdAsync(string name, string which)
    {
        var result = await RunToolAsync("id", [which, name]);
        return result.ExitCode == 0 ? uint.Parse(result.Stdout.Trim(), CultureInfo.InvariantCulture) : null;
    }
}
