namespace Vse.Cli.Tests;

/// <summary>
/// Some instances of a deployment fail to start: the real runtime, behind a wrapper that refuses
/// to create instance 2, so the failure is certain and everything else is real.
/// </summary>
public sealed class DeployPartialFailureTests
{
    [SkippableFact]
    public async Task Failed_instances_take_the_deployment_down_unless_the_user_keeps_the_rest()
    {
        Requirements.Root();
        var runc = Requirements.Tool("runc");
        using var workspace = new Workspace();
        workspace.Write("part.vse.yaml", """
            vse: 1
            name: apps/part
            os: {base: busybox}
            """);
        var wrapper = workspace.Write("bin/runc", $$"""
            #!/bin/sh
            for last in "$@"; do :; done
            case " $* " in
              *" create "*) case "$last" in *-2) echo "injected failure for $last" >&2; exit 1;; esac;;
            esac
            exec {{runc}} "$@"
            """);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string>(workspace.Environment)
        {
            ["PATH"] = Path.GetDirectoryName(wrapper) + ":" + Environment.GetEnvironmentVariable("PATH"),
        };

        var refused = await VseProcess.RunAsync(workspace.Root, environment, "deploy", "part.vse.yaml", "--instances", "4");
        Assert.Equal(4, refused.ExitCode);
        Assert.Matches(@"^vse: error: 1 of 4 instance\(s\) of deployment [0-9a-f]{8} did not start, so it was cleaned up; apps-part-2: .*injected failure", refused.ErrorLines[^1]);
        Assert.Equal("DEPLOYMENT  NAME  DRIVER  INSTANCE  HOSTNAME  STATE  PID\n", (await workspace.RunAsync("ps")).Stdout);
        Assert.Equal(["runtime"], Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "run")).Select(Path.GetFileName));

        var kept = await VseProcess.RunAsync(workspace.Root, environment, "deploy", "part.vse.yaml", "--instances", "4", "--keep-partial");
        Assert.True(kept.ExitCode == 0, kept.Stderr);
        var id = kept.Stdout.Trim();
        Assert.Contains("vse: warning: apps-part-2 did not start:", kept.Stderr);
        Assert.Contains("3 instance(s) with sandbox:runc (1 failed and removed)", kept.Stderr);
        var ps = (await workspace.RunAsync("ps")).Stdout;
        Assert.Equal(3, ps.Split('\n').Count(l => l.Contains(" running ", StringComparison.Ordinal)));
        Assert.Contains("apps-part-2  failed", ps);

        var hostnames = await workspace.RunAsync("exec", id, "--", "hostname");
        Assert.Equal(0, hostnames.ExitCode);
        Assert.Equal(["apps-part-0: apps-part-0", "apps-part-1: apps-part-1", "apps-part-3: apps-part-3"], hostnames.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await workspace.RunAsync("cleanup", id)).ExitCode);
        Assert.Equal(["runtime"], Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "run")).Select(Path.GetFileName));
    }
}
