namespace Vse.Cli.Tests;

/// <summary>
/// Issue 15, hole 2: deploy checked <c>allow.mounts</c>, then built, then mounted the path as
/// written; a directory swapped for a symlink to a secret while the build ran was mounted.
/// </summary>
public sealed class MountRaceTests
{
    [SkippableFact]
    public async Task An_allowed_directory_swapped_for_a_symlink_during_the_build_is_never_mounted()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        var allowed = Path.Combine(workspace.Root, "allowed");
        var data = Directory.CreateDirectory(Path.Combine(allowed, "data")).FullName;
        var secret = Directory.CreateDirectory(Path.Combine(workspace.Root, "secret")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secret, "shadow"), "secret-token-4711\n");
        var marker = "vse-race-" + Guid.NewGuid().ToString("N")[..12];
        workspace.Write("site/base.vse.yaml", $$$"""
            vse: 1
            name: base
            os: {base: busybox}
            policy: {allow: {mounts: ["{{{allowed}}}/**"]}}
            """);
        workspace.Write("app.vse.yaml", $$$"""
            vse: 1
            name: app
            extends: base
            mounts: {/data: {source: "{{{data}}}", mode: ro}}
            build:
              - {run: "sleep 3; echo {{{marker}}}"}
            run: cat /data/shadow
            """);

        var run = workspace.RunAsync("run", "app.vse.yaml");
        // The step is running once a process with the marker exists; then the directory goes.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (!StepIsRunning(marker))
        {
            Assert.False(run.IsCompleted, "vse ended before the build step was seen: " + (run.IsCompleted ? (await run).Stderr : ""));
            Assert.True(DateTime.UtcNow < deadline, "the build step never started");
            await Task.Delay(20);
        }

        Directory.Move(data, data + ".orig");
        Directory.CreateSymbolicLink(data, secret);
        var outcome = await run;

        Assert.DoesNotContain("secret-token-4711", outcome.Stdout);
        Assert.Equal(3, outcome.ExitCode);
        Assert.Contains($"mount source '{secret}' for '/data' is not allowed by site policy", outcome.Stderr);
    }

    private static bool StepIsRunning(string marker)
    {
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (char.IsAsciiDigit(Path.GetFileName(process)[0]) && File.ReadAllText(Path.Combine(process, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return false;
    }
}
