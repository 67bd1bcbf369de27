using System.Globalization;

namespace Vse.Cli.Tests;

/// <summary>
/// vse as an unprivileged user: the test creates the user, and runs a copy of vse under that
/// user's ids (setpriv), with a data directory of the user's own.
/// </summary>
public sealed class RootlessTests
{
    private const string UserName = "vse-rootless-test";

    [SkippableFact]
    public async Task An_unprivileged_user_builds_runs_and_cleans_up_instances_that_are_not_root_on_the_host()
    {
        Requirements.Root();
        var setpriv = Requirements.Tool("setpriv");
        var (uid, gid) = await UnprivilegedVse.EnsureUserAsync(UserName);
        var root = Directory.CreateTempSubdirectory("vse-rootless-").FullName;
        try
        {
            // The test's own build directory may sit below a directory only root can enter.
            var vse = UnprivilegedVse.CopyOfVse(Path.Combine(root, "vse"));
            var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
            await File.WriteAllTextAsync(Path.Combine(work, "app.vse.yaml"), """
                vse: 1
                name: apps/rootless
                os: {base: busybox}
                files: [{write: /etc/motd, content: "inside\n"}]
                """);
            await File.WriteAllTextAsync(Path.Combine(work, "limited.vse.yaml"), """
                vse: 1
                name: apps/limited
                extends: ./app.vse.yaml
                resources: {memory: 64Mi}
                """);
            UnprivilegedVse.Chown(work, uid, gid);
            var user = new UnprivilegedVse(setpriv, vse, work, uid, gid);

            var run = await user.RunAsync("run", "app.vse.yaml", "--", "sh", "-c", "id -u; cat /etc/motd; echo changed > /etc/motd");
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal("0\ninside\n", run.Stdout);
            Assert.Equal("inside\n", (await user.RunAsync("run", "app.vse.yaml", "--", "cat", "/etc/motd")).Stdout);

            var id = (await user.RunAsync("deploy", "app.vse.yaml", "--instances", "2")).Stdout.Trim();
            Assert.Matches("^[0-9a-f]{8}$", id);
            Assert.Equal("apps-rootless-1\n", (await user.RunAsync("exec", id + "/1", "--", "hostname")).Stdout);
            var pids = (await user.RunAsync("ps")).Stdout.Split('\n').Where(l => l.StartsWith(id, StringComparison.Ordinal))
                .Select(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(2, pids.Count);
            foreach (var pid in pids)
            {
                // Root inside, the user outside.
                Assert.Contains($"Uid:\t{uid}\t{uid}\t{uid}\t{uid}", await File.ReadAllTextAsync($"/proc/{pid}/status"));
            }

            var suspend = await user.RunAsync("suspend", id);
            Assert.Equal(4, suspend.ExitCode);
            Assert.Equal(["vse: error: the sandbox driver cannot suspend or resume an instance: vse runs unprivileged, and its instances get no cgroup here (no freezer, no limits)"], suspend.ErrorLines);

            var cleaned = await user.RunAsync("cleanup", id);
            Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
            Assert.Equal(["runtime"], Directory.EnumerateFileSystemEntries(Path.Combine(user.Home, "run")).Select(Path.GetFileName));

            var limited = await user.RunAsync("run", "limited.vse.yaml", "--", "true");
            Assert.Equal(4, limited.ExitCode);
            Assert.Contains("resources.cpus and resources.memory need cgroups", limited.Stderr);
            Assert.Equal("DEPLOYMENT  NAME  DRIVER  INSTANCE  HOSTNAME  STATE  PID\n", (await user.RunAsync("ps")).Stdout);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
