using Vse.Runtime.Drivers;
using Vse.Runtime.Oci;
using Vse.Runtime.Sandbox.Launch;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// <see cref="InstanceSpec.SharedNetwork"/> (<c>network.loopback: shared</c>) on both start paths: the
/// launcher's <c>--netns</c> and the OCI spec's namespace path. That the instances really share one
/// namespace is checked in SharedLoopbackTests (Vse.Cli.Tests).
/// </summary>
public sealed class LaunchSharedNetworkTests
{
    private static InstanceSpec Spec(string? shared, string? owner = null) =>
        new("dep-0", "app-0", "/store/rootfs", "/home/run/dep/0", new Dictionary<string, string>(), [], Cpus: null, MemoryBytes: null, NetworkMode.None, [],
            SharedNetwork: shared is null ? null : new SharedNetworkNamespace(shared, owner));

    [Fact]
    public void The_launcher_is_told_the_namespace_to_make_its_instances_in_and_only_then()
    {
        var shape = LaunchShape.Of(Spec("/run/netns/vse-lo-abc"), seccompFilter: null, cgroupRoots: [], hold: false, userNamespace: false);
        var arguments = shape.Arguments().ToList();

        Assert.Equal(["--netns", "/run/netns/vse-lo-abc"], arguments.Skip(arguments.IndexOf("--netns")).Take(2));
        Assert.DoesNotContain("--netns", LaunchShape.Of(Spec(null), null, [], hold: false, userNamespace: false).Arguments());
        Assert.DoesNotContain("--fabric-userns", arguments);
    }

    [Fact]
    public void Rootless_the_launcher_joins_the_namespaces_owner_first_and_makes_its_instances_there()
    {
        var shape = LaunchShape.Of(Spec("/proc/42/ns/net", "/proc/42/ns/user"), seccompFilter: null, cgroupRoots: [], hold: false, userNamespace: true);
        var arguments = shape.Arguments().ToList();

        Assert.Equal(["--userns", "--fabric-userns", "/proc/42/ns/user", "--netns", "/proc/42/ns/net"], arguments.Take(5));
        Assert.False(shape.Fits(Spec("/proc/42/ns/net", "/proc/43/ns/user"), null));
    }

    [Fact]
    public void Instances_of_one_launch_share_one_namespace_or_none()
    {
        var shape = LaunchShape.Of(Spec("/run/netns/vse-lo-abc"), seccompFilter: null, cgroupRoots: [], hold: false, userNamespace: false);

        Assert.True(shape.Fits(Spec("/run/netns/vse-lo-abc"), null));
        Assert.False(shape.Fits(Spec("/run/netns/vse-lo-def"), null));
        Assert.False(shape.Fits(Spec(null), null));
    }

    [Fact]
    public void The_oci_spec_joins_the_shared_namespace_by_its_path_and_otherwise_makes_one()
    {
        OciNamespace Network(string? shared) =>
            OciSpecBuilder.Build(Spec(shared), "/rootfs", ["true"], cgroups: null).Linux.Namespaces.Single(n => n.Type == "network");

        Assert.Equal("/run/netns/vse-lo-abc", Network("/run/netns/vse-lo-abc").Path);
        Assert.Null(Network(null).Path);
    }
}
