using System.Diagnostics;
using System.Globalization;

namespace Vse.Cli.Tests;

/// <summary>
/// A copy of vse run under an ordinary user's ids (setpriv), with only the environment a user
/// would have and a data directory of the user's own (<c>WORK/home</c>); plus the steps that
/// set it up: the user (useradd), the copy, the ownership. <paramref name="Environment"/> adds
/// variables (a site store, a site directory).
/// </summary>
public sealed record UnprivilegedVse(string Setpriv, string Vse, string WorkingDirectory, uint Uid, uint Gid, IReadOnlyDictionary<string, string>? Environment = null)
{
    public string Home => Path.Combine(WorkingDirectory, "home");

    /// <summary>The user's uid and gid, after creating the user (a system user without a home) when missing.</summary>
    public static async Task<(uint Uid, uint Gid)> EnsureUserAsync(string userName)
    {
        if (await IdAsync("-u", userName) is not { } uid)
        {
            var useradd = Requirements.Tool("useradd");
            using var process = Process.Start(useradd, ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", userName])!;
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            uid = (await IdAsync("-u", userName))!.Value;
        }

        return (uid, (await IdAsync("-g", userName))!.Value);
    }

    /// <summary>Copies the vse beside the tests into <paramref name="directory"/>, reachable by every user; returns the executable.</summary>
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

    public static void Chown(string path, uint uid, uint gid)
    {
        using var process = Process.Start("chown", ["-R", $"{uid}:{gid}", path])!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>vse with <paramref name="args"/>, as the user, in <see cref="WorkingDirectory"/>.</summary>
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
        start.Environment["VSE_SITE_STORE"] = "";
        start.Environment["VSE_HOME"] = Home;
        start.Environment["HOME"] = WorkingDirectory;
        start.Environment["DOTNET_CLI_HOME"] = WorkingDirectory;
        foreach (var (key, value) in Environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new VseProcess.Outcome(process.ExitCode, await stdout, await stderr);
    }

    private static async Task<uint?> IdAsync(string which, string userName)
    {
        var start = new ProcessStartInfo("id") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(which);
        start.ArgumentList.Add(userName);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? uint.Parse(output.Trim(), CultureInfo.InvariantCulture) : null;
    }
}
