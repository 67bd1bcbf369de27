using Vse.Runtime.Drivers;
using Vse.Runtime.Sandbox.Launch;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// A rootless private network on the bulk launcher: the fabric is named by its holder's
/// <c>/proc</c> entries, the launcher joins its user namespace before its network namespace,
/// and refuses a fabric without the user namespace it belongs to (and the reverse).
/// </summary>
public sealed class LaunchRootlessFabricTests
{
    [Fact]
    public void A_fabric_is_named_under_run_netns_for_root_and_by_its_holder_for_an_ordinary_user()
    {
        var root = new NetworkAttachment("vse-abc", "vse0", "10.0.0.1/24", "v0");
        Assert.Equal("/run/netns/vse-abc", root.FabricNetworkPath);
        Assert.Null(root.FabricUserNamespacePath);

        var rootless = root with { FabricHolder = 4242 };
        Assert.Equal("/proc/4242/ns/net", rootless.FabricNetworkPath);
        Assert.Equal("/proc/4242/ns/user", rootless.FabricUserNamespacePath);
    }

    [Fact]
    public void The_launcher_is_told_the_fabrics_user_namespace_before_the_fabric()
    {
        var shape = new LaunchShape(
            new Dictionary<string, string>(), [], [], [], "/proc/4242/ns/net", "/filter.bpf", Capabilities: [], Hold: false, UserNamespace: true, FabricUserNamespace: "/proc/4242/ns/user");
        var arguments = shape.Arguments().ToList();
        var user = arguments.IndexOf("--fabric-userns");
        Assert.Equal("/proc/4242/ns/user", arguments[user + 1]);
        Assert.True(arguments.IndexOf("--userns") < user);
        Assert.Equal(user + 2, arguments.IndexOf("--fabric"));
        Assert.Equal("/proc/4242/ns/net", arguments[user + 3]);

        Assert.DoesNotContain("--fabric-userns", (shape with { FabricUserNamespace = null, UserNamespace = false }).Arguments());
    }

    [SkippableTheory]
    [InlineData("--userns --fabric /proc/self/ns/net", "vse-launch: --fabric needs --fabric-userns with --userns, and neither without it\n")]
    [InlineData("--fabric-userns /proc/self/ns/user --fabric /proc/self/ns/net", "vse-launch: fabric user namespace /proc/self/ns/user: Invalid argument\n")]
    [InlineData("--userns --fabric-userns /nonexistent --fabric /proc/self/ns/net", "vse-launch: fabric user namespace /nonexistent: No such file or directory\n")]
    public async Task The_launcher_refuses_a_fabric_without_its_user_namespace_and_one_it_cannot_join(string arguments, string error)
    {
        var (exitCode, stderr) = await LauncherProcess.RunAsync([.. arguments.Split(' '), "--init"]);

        Assert.Equal(2, exitCode);
        Assert.Equal(error, stderr);
    }
}
