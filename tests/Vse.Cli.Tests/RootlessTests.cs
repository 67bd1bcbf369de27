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
        var root = Directory.CreateTempSubdirectory("vse-rootless-").FullName;
        try
        {
            var user = await UserWithDescriptionsAsync(root, new Dictionary<string, string>
            {
                ["app.vse.yaml"] = """
                    vse: 1
                    name: apps/rootless
                    os: {base: busybox}
                    files: [{write: /etc/motd, content: "inside\n"}]
                    """,
                ["limited.vse.yaml"] = """
                    vse: 1
                    name: apps/limited
                    extends: ./app.vse.yaml
                    resources: {memory: 64Mi}
                    """,
            });
            var uid = user.Uid;

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
            // The user's cgroup here (root's, setpriv changes no cgroup) is not delegated to it; the reason follows.
            Assert.StartsWith("vse: error: the sandbox driver cannot suspend or resume an instance: vse runs unprivileged, and its instances get no cgroup here (no freezer, no limits): ", Assert.Single(suspend.ErrorLines));

            var cleaned = await user.RunAsync("cleanup", id);
            Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
            Assert.Equal(["runtime"], Directory.EnumerateFileSystemEntries(Path.Combine(user.Home, "run")).Select(Path.GetFileName));

            // A limit without a cgroup to enforce it: said once, and the instance still runs.
            var limited = await user.RunAsync("run", "limited.vse.yaml", "--", "echo", "ran");
            Assert.True(limited.ExitCode == 0, limited.Stderr);
            Assert.Equal("ran\n", limited.Stdout);
            Assert.StartsWith("vse: warning: resources.memory is not applied: ", Assert.Single(limited.ErrorLines, l => l.StartsWith("vse: warning: ", StringComparison.Ordinal)));
            Assert.Equal("DEPLOYMENT  NAME  DRIVER  INSTANCE  HOSTNAME  STATE  PID\n", (await user.RunAsync("ps")).Stdout);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// The test user (made if missing), a copy of vse it can run, and a working directory of its
    /// own holding <paramref name="descriptions"/> (file name to text), all below <paramref name="root"/>.
    /// </summary>
    /// <param name="userName">Another user than the shared test user: for a test that counts the user's processes.</param>
    internal static async Task<UnprivilegedUser> UserWithDescriptionsAsync(string root, IReadOnlyDictionary<string, string> descriptions, string userName = UserName)
    {
        Requirements.Root();
        var setpriv = Requirements.Tool("setpriv");
        var (uid, gid) = await UnprivilegedUser.EnsureAsync(userName, system: true);
        // The test's own build directory may sit below a directory only root can enter.
        var vse = UnprivilegedUser.CopyOfVse(Path.Combine(root, "vse"));
        var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        foreach (var (name, text) in descriptions)
        {
            await File.WriteAllTextAsync(Path.Combine(work, name), text);
        }

        await UnprivilegedUser.ChownAsync(work, uid, gid);
        return new UnprivilegedUser(userName, uid, gid, setpriv, vse, work);
    }
}
