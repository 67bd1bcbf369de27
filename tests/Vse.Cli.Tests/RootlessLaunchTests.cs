using System.Globalization;

namespace Vse.Cli.Tests;

/// <summary>
/// The bulk launcher (<c>--runtime vse-launch</c>) as an unprivileged user: each instance in a
/// user namespace of its own where the user is root, its processes the user's on the host.
/// </summary>
public sealed class RootlessLaunchTests
{
    [SkippableFact]
    public async Task An_unprivileged_user_deploys_execs_in_and_cleans_up_launched_instances()
    {
        var root = Directory.CreateTempSubdirectory("vse-rootless-launch-").FullName;
        try
        {
            var user = await RootlessTests.UserWithDescriptionsAsync(root, new Dictionary<string, string>
            {
                ["app.vse.yaml"] = """
                    vse: 1
                    name: apps/launched
                    os: {base: busybox}
                    files: [{write: /etc/motd, content: "inside\n"}]
                    resources: {memory: 64Mi}
                    """,
            });
            var uid = user.Uid;

            var deploy = await user.RunAsync("deploy", "app.vse.yaml", "--runtime", "vse-launch", "--instances", "4");
            Assert.True(deploy.ExitCode == 0, deploy.Stderr);
            var id = deploy.Stdout.Trim();
            // No cgroup is delegated to the user on this host: the memory limit is said once, not applied.
            Assert.StartsWith("vse: warning: resources.memory is not applied: ", Assert.Single(deploy.ErrorLines, l => l.StartsWith("vse: warning: ", StringComparison.Ordinal)));

            var exec = await user.RunAsync("exec", id + "/3", "--", "sh", "-c", "id -u; hostname; cat /etc/motd; echo changed > /etc/motd; cat /etc/motd");
            Assert.True(exec.ExitCode == 0, exec.Stderr);
            Assert.Equal("0\napps-launched-3\ninside\nchanged\n", exec.Stdout);
            Assert.Equal("inside\n", (await user.RunAsync("exec", id + "/0", "--", "cat", "/etc/motd")).Stdout);

            var rows = (await user.RunAsync("ps")).Stdout.Split('\n').Where(l => l.StartsWith(id, StringComparison.Ordinal)).ToList();
            Assert.Equal(4, rows.Count);
            Assert.All(rows, row => Assert.Contains("sandbox:vse-launch", row, StringComparison.Ordinal));
            foreach (var pid in rows.Select(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture)))
            {
                // Root inside, the user outside.
                Assert.Contains($"Uid:\t{uid}\t{uid}\t{uid}\t{uid}", await File.ReadAllTextAsync($"/proc/{pid}/status"));
                // "user:[INODE]": a user namespace of its own.
                var own = new FileInfo($"/proc/{pid}/ns/user").LinkTarget;
                Assert.StartsWith("user:[", own);
                Assert.NotEqual(new FileInfo("/proc/self/ns/user").LinkTarget, own);
            }

            var cleaned = await user.RunAsync("cleanup", id);
            Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);

            // A one-shot run: vse becomes the launcher, which removes the run as the user (the
            // overlay's mode-000 work directory, the files the instance's root wrote) and its record.
            var once = await user.RunAsync("run", "app.vse.yaml", "--runtime", "vse-launch", "--", "sh", "-c", "id -u; echo changed > /etc/motd; mkdir -p /a/b; cat /etc/motd; exit 7");
            Assert.True(once.ExitCode == 7, once.Stderr);
            Assert.Equal("0\nchanged\n", once.Stdout);
            // Nothing of the deployment is left (the OCI runtime's directory may be there, empty of it).
            Assert.All(Directory.EnumerateFileSystemEntries(Path.Combine(user.Home, "run")).Select(Path.GetFileName), name => Assert.Equal("runtime", name));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
