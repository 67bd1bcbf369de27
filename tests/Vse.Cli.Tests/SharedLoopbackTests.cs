namespace Vse.Cli.Tests;

/// <summary>
/// <c>network.loopback: shared</c>: a deployment's instances without a network in one network
/// namespace of the deployment's, on both sandbox start paths; refused where it cannot hold.
/// </summary>
public sealed class SharedLoopbackTests
{
    private const string Shared = """
        vse: 1
        name: apps/lo
        os: {base: busybox}
        network: {mode: none, loopback: shared}
        """;

    private const string Own = """
        vse: 1
        name: apps/lo
        os: {base: busybox}
        network: {mode: none}
        """;

    [SkippableTheory]
    [InlineData("vse-launch")]
    [InlineData("runc")]
    public async Task The_instances_share_one_namespace_with_only_lo_which_cleanup_removes(string runtime)
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("lo.vse.yaml", Shared);
        var deployed = await workspace.RunAsync("deploy", "lo.vse.yaml", "--instances", "3", "--runtime", runtime);
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim();
        var file = Path.Combine("/run/netns", "vse-lo-" + id);
        try
        {
            Assert.True(File.Exists(file), file);
            var namespaces = await NetworkNamespacesAsync(workspace, id, 3);
            Assert.Single(namespaces.Distinct());
            Assert.NotEqual(new FileInfo("/proc/self/ns/net").LinkTarget, namespaces[0]);

            // One loopback: what instance 0 serves on 127.0.0.1 instance 2 reads there.
            var links = await workspace.RunAsync("exec", id + "/1", "--", "ls", "/sys/class/net");
            Assert.Equal("lo\n", links.Stdout);
            var served = await workspace.RunAsync("exec", id + "/0", "--", "sh", "-c", "echo from-0 > /tmp/page; httpd -p 127.0.0.1:8123 -h /tmp </dev/null >/dev/null 2>&1");
            Assert.True(served.ExitCode == 0, served.Stderr);
            var fetched = await workspace.RunAsync("exec", id + "/2", "--", "wget", "-q", "-O", "-", "http://127.0.0.1:8123/page");
            Assert.True(fetched.ExitCode == 0, fetched.Stderr);
            Assert.Equal("from-0\n", fetched.Stdout);
        }
        finally
        {
            var cleaned = await workspace.RunAsync("cleanup", id);
            Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
        }

        Assert.False(File.Exists(file), file);
    }

    [SkippableFact]
    public async Task Without_the_key_each_instance_has_a_namespace_of_its_own()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("lo.vse.yaml", Own);
        var deployed = await workspace.RunAsync("deploy", "lo.vse.yaml", "--instances", "2", "--runtime", "vse-launch");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim();
        try
        {
            Assert.Equal(2, (await NetworkNamespacesAsync(workspace, id, 2)).Distinct().Count());
            Assert.False(File.Exists(Path.Combine("/run/netns", "vse-lo-" + id)));
        }
        finally
        {
            Assert.Equal(0, (await workspace.RunAsync("cleanup", id)).ExitCode);
        }
    }

    [Theory]
    [InlineData("network: {mode: private, loopback: shared}", "sandbox", "with 'network.mode: private' each instance needs a namespace of its own")]
    [InlineData("network: {mode: host, loopback: shared}", "sandbox", "with 'network.mode: host' each instance uses the host's network")]
    [InlineData("network: {loopback: shared}", "vm", "a VM's guest has a kernel and a loopback of its own")]
    public async Task Where_it_cannot_hold_it_is_refused_at_the_key_before_anything_is_made(string network, string driver, string why)
    {
        using var workspace = new Workspace();
        workspace.Write("lo.vse.yaml", $"vse: 1\nname: apps/lo\nos: {{base: busybox}}\n{network}\n");

        var refused = await workspace.RunAsync("deploy", "lo.vse.yaml", "--driver", driver);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("lo.vse.yaml:4:", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains(why, refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("[VSE0228]", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("apps/lo", (await workspace.RunAsync("ps")).Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_ordinary_users_launched_instances_share_one_namespace_of_the_users_and_runc_is_refused_saying_why()
    {
        var root = Directory.CreateTempSubdirectory("vse-shared-lo-").FullName;
        try
        {
            var user = await RootlessTests.UserWithDescriptionsAsync(root, new Dictionary<string, string> { ["lo.vse.yaml"] = Shared }, "vse-rootless-lo");
            var deployed = await user.RunAsync("deploy", "lo.vse.yaml", "--runtime", "vse-launch", "--instances", "3");
            Assert.True(deployed.ExitCode == 0, deployed.Stderr);
            var id = deployed.Stdout.Trim();
            var namespaces = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var read = await user.RunAsync("exec", $"{id}/{i}", "--", "sh", "-c", "readlink /proc/self/ns/net; ls /sys/class/net");
                Assert.True(read.ExitCode == 0, read.Stderr);
                Assert.EndsWith("\nlo\n", read.Stdout, StringComparison.Ordinal);
                namespaces.Add(read.Stdout.Split('\n')[0]);
            }

            Assert.Single(namespaces.Distinct());
            Assert.NotEqual(new FileInfo("/proc/self/ns/net").LinkTarget, namespaces[0]);
            var cleaned = await user.RunAsync("cleanup", id);
            Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
            Assert.Empty(RootlessPrivateNetworkTests.ProcessesOf(user.Uid));

            var refused = await user.RunAsync("deploy", "lo.vse.yaml", "--runtime", "runc");
            Assert.Equal(4, refused.ExitCode);
            Assert.StartsWith(
                "vse: error: the sandbox driver cannot make instances in one shared network namespace ('network.loopback: shared'): as an ordinary user",
                refused.ErrorLines.Last(), StringComparison.Ordinal);
            Assert.Empty(RootlessPrivateNetworkTests.ProcessesOf(user.Uid));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>What <c>/proc/self/ns/net</c> names in each of the deployment's first <paramref name="count"/> instances.</summary>
    private static async Task<List<string>> NetworkNamespacesAsync(Workspace workspace, string id, int count)
    {
        var namespaces = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var read = await workspace.RunAsync("exec", $"{id}/{i}", "--", "readlink", "/proc/self/ns/net");
            Assert.True(read.ExitCode == 0, read.Stderr);
            namespaces.Add(read.Stdout.Trim());
        }

        return namespaces;
    }
}
