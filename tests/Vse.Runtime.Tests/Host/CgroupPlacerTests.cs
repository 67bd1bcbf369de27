using Vse.Host.FileSystem;
using Vse.Runtime.Drivers;
using Vse.Runtime.Host;
using Vse.Runtime.Tests.Support;
using Vse.Testing;

namespace Vse.Runtime.Tests.Host;

/// <summary>
/// The placement decisions on a fake <c>/sys/fs/cgroup</c> (plain directories and files in a
/// temporary directory) and fake <c>/proc/self/cgroup</c> texts. The kernel's side (controllers
/// really enabled, the no-internal-process rule, delegation by systemd) is what the integration
/// twin checks: CgroupPlacerHostTests on this host's unified hierarchy, and the suite run inside
/// a Debian-kernel VM with cgroup v2 only (docs/runtime.md, "cgroup v2").
/// </summary>
public sealed class CgroupPlacerTests : IDisposable
{
    private const uint User = 4242;
    private const string UserService = "/user.slice/user-4242.slice/user@4242.service";
    private readonly TempDirectory _tree = new("vse-cgroup-test-");

    public CgroupPlacerTests()
    {
        Group("", "cpu cpuset hugetlb io memory pids");
    }

    private string Mount => _tree.Path;

    private CgroupReport V2 => new(CgroupLayout.V2, Mount, [], ["cpu", "cpuset", "hugetlb", "io", "memory", "pids"]);

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void RootOnV2MakesItsOwnGroupAndEnablesTheControllersAtBothLevels()
    {
        var placement = CgroupPlacer.Prepare(new CgroupPlacer.HostFacts(V2, "0::/init.scope\n", 0), 77, CgroupPlacer.Wanted);

        Assert.Equal("/vse", placement.Path);
        Assert.Equal(Path.Combine(Mount, "vse"), placement.V2Directory);
        Assert.Equal(["cpu", "io", "memory", "pids"], placement.Controllers);
        Assert.Null(placement.Reason);
        Assert.Equal("/vse/dep-0", placement.InstanceCgroup("dep-0"));
        Assert.True(placement.CanFreeze);
        // One controller a write (a fake file keeps the last): the last one wanted reached both levels.
        Assert.Equal("+pids", File.ReadAllText(Path.Combine(Mount, "cgroup.subtree_control")));
        Assert.Equal("+pids", File.ReadAllText(Path.Combine(Mount, "vse", "cgroup.subtree_control")));
    }

    [Fact]
    public void OnV2InstancesWithoutAMemoryLimitGetAParentThatGivesThemEveryControllerButMemory()
    {
        var placement = CgroupPlacer.Prepare(new CgroupPlacer.HostFacts(V2, "0::/init.scope\n", 0), 77, CgroupPlacer.Wanted);

        var shared = Path.Combine(Mount, "vse", CgroupPlacement.SharedMemoryGroup);
        Assert.Equal(shared, placement.SharedMemoryDirectory);
        Assert.Equal(["cpu", "io", "pids"], placement.SharedMemoryControllers);
        Assert.True(Directory.Exists(shared));
        // One controller a write (the fake file keeps the last): memory never among them.
        Assert.Equal("+pids", File.ReadAllText(Path.Combine(shared, "cgroup.subtree_control")));
        Assert.Equal(["/vse/dep-0", "/vse/unlimited-memory/dep-0"], placement.InstanceCgroups("dep-0"));
    }

    [Fact]
    public void MemoryEnabledForTheSharedGroupsChildrenIsDisabledAgain()
    {
        // runc (or an older vse) may have enabled it: then each instance there would have a memory group again.
        var shared = Directory.CreateDirectory(Path.Combine(Mount, "vse", CgroupPlacement.SharedMemoryGroup)).FullName;
        File.WriteAllText(Path.Combine(shared, "cgroup.subtree_control"), "cpu io memory pids\n");

        var placement = CgroupPlacer.Prepare(new CgroupPlacer.HostFacts(V2, "0::/\n", 0), 77, CgroupPlacer.Wanted);

        Assert.Equal("-memory", File.ReadAllText(Path.Combine(shared, "cgroup.subtree_control")));
        Assert.Equal(["cpu", "io", "pids"], placement.SharedMemoryControllers);
    }

    [Fact]
    public void WithoutTheMemoryControllerThereIsNoSharedMemoryGroup()
    {
        File.WriteAllText(Path.Combine(Mount, "cgroup.controllers"), "cpu pids\n");

        var placement = CgroupPlacer.Prepare(new CgroupPlacer.HostFacts(V2, "0::/\n", 0), 77, CgroupPlacer.Wanted);

        Assert.Null(placement.SharedMemoryDirectory);
        Assert.False(Directory.Exists(Path.Combine(Mount, "vse", CgroupPlacement.SharedMemoryGroup)));
        Assert.Equal(["/vse/dep-0"], placement.InstanceCgroups("dep-0"));
    }

    [Fact]
    public void AControllerTheHostDoesNotOfferIsNamedWithWhereItIsMissing()
    {
        File.WriteAllText(Path.Combine(Mount, "cgroup.controllers"), "memory pids\n");

        var placement = CgroupPlacer.Prepare(new CgroupPlacer.HostFacts(V2, "0::/\n", 0), 77, CgroupPlacer.Wanted);

        Assert.Equal(["memory", "pids"], placement.Controllers);
        Assert.Null(placement.WhyNot("memory"));
        var why = placement.WhyNot("cpu");
        Assert.Contains("cpu controller is not available", why, StringComparison.Ordinal);
        Assert.Contains("cpu, io not offered to " + Mount, why, StringComparison.Ordinal);
    }

    [Fact]
    public void LocateChangesNothing()
    {
        var placement = CgroupPlacer.Locate(new CgroupPlacer.HostFacts(V2, "0::/\n", 0), CgroupPlacer.Wanted);

        Assert.Equal("/vse", placement.Path);
        Assert.Equal(["cpu", "io", "memory", "pids"], placement.Controllers);
        Assert.Equal(["cpu", "io", "pids"], placement.SharedMemoryControllers);
        Assert.False(Directory.Exists(Path.Combine(Mount, "vse")));
        Assert.Equal("", File.ReadAllText(Path.Combine(Mount, "cgroup.subtree_control")));
    }

    [Fact]
    public void RootOnAHybridHostKeepsTheV1Hierarchies()
    {
        var hybrid = new CgroupReport(CgroupLayout.Hybrid, "/sys/fs/cgroup/unified", ["cpu", "freezer", "memory", "pids"], []);

        var placement = CgroupPlacer.Locate(new CgroupPlacer.HostFacts(hybrid, "0::/\n4:memory:/\n", 0), CgroupPlacer.Wanted);

        Assert.Equal("/vse", placement.Path);
        Assert.Null(placement.V2Directory);
        Assert.Null(placement.SharedMemoryDirectory);
        Assert.Equal(["/vse/dep-0"], placement.InstanceCgroups("dep-0"));
        Assert.Equal(["cpu", "freezer", "memory", "pids"], placement.Controllers);
        Assert.True(placement.CanFreeze);
        Assert.Null(placement.WhyNot("memory"));
    }

    [Fact]
    public void AnOrdinaryUserOnAHybridHostGetsNoCgroupAndIsToldWhy()
    {
        var hybrid = new CgroupReport(CgroupLayout.Hybrid, "/sys/fs/cgroup/unified", ["cpu", "memory"], []);

        var placement = CgroupPlacer.Prepare(new CgroupPlacer.HostFacts(hybrid, "0::/\n", User), 77, CgroupPlacer.Wanted);

        Assert.Null(placement.Path);
        Assert.Null(placement.InstanceCgroup("dep-0"));
        Assert.Empty(placement.InstanceCgroups("dep-0"));
        Assert.False(placement.CanFreeze);
        Assert.Contains("never delegated", placement.WhyNot("memory"), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAnyCgroupMountInstancesGetNone()
    {
        var placement = CgroupPlacer.Locate(new CgroupPlacer.HostFacts(new CgroupReport(CgroupLayout.None, null, [], []), "", 0), CgroupPlacer.Wanted);

        Assert.Null(placement.Path);
        Assert.Equal("no cgroup file system is mounted", placement.WhyNot("cpu"));
    }

    [SkippableFact]
    public void AnOrdinaryUserInAGroupItDoesNotOwnGetsNoCgroup()
    {
        Group("/user.slice/user-4242.slice/session-3.scope", "cpu memory pids");

        var placement = CgroupPlacer.Prepare(new CgroupPlacer.HostFacts(V2, "0::/user.slice/user-4242.slice/session-3.scope\n", OwnerUid()), 77, CgroupPlacer.Wanted);

        Assert.Null(placement.Path);
        Assert.Contains("cgroup /user.slice/user-4242.slice/session-3.scope, which is not delegated", placement.Reason, StringComparison.Ordinal);
        Assert.Contains("Delegate=yes", placement.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void AnOrdinaryUserUsesTheTopOfTheSubtreeDelegatedToIt()
    {
        var uid = OwnerUid();
        Group("/user.slice/user-4242.slice", "cpu io memory pids");
        Group(UserService, "cpu memory pids", owner: uid);
        Group(UserService + "/app.slice", "", owner: uid);
        Group(UserService + "/app.slice/vse-shell.scope", "", owner: uid);

        var placement = CgroupPlacer.Prepare(new CgroupPlacer.HostFacts(V2, $"0::{UserService}/app.slice/vse-shell.scope\n", uid), 77, CgroupPlacer.Wanted);

        Assert.Equal(UserService + "/vse", placement.Path);
        Assert.Equal(Mount + UserService + "/vse", placement.V2Directory);
        Assert.True(placement.Delegated);
        Assert.Equal(["cpu", "memory", "pids"], placement.Controllers);
        Assert.Contains("io not offered to " + Mount + UserService, placement.WhyNot("io"), StringComparison.Ordinal);
        Assert.Equal(Mount + UserService + "/vse/" + CgroupPlacement.SharedMemoryGroup, placement.SharedMemoryDirectory);
        Assert.Equal(["cpu", "pids"], placement.SharedMemoryControllers);
        // vse was not in the top group: it stays where it is.
        Assert.False(Directory.Exists(Mount + UserService + "/" + CgroupPlacer.SelfLeaf));
    }

    [SkippableFact]
    public void VseInTheTopOfItsDelegatedSubtreeMovesItselfIntoALeaf()
    {
        var uid = OwnerUid();
        const string scope = "/user.slice/user-4242.slice/user@4242.service/app.slice/run-u7.scope";
        Group("/user.slice/user-4242.slice/user@4242.service/app.slice", "memory pids");
        Group(scope, "memory pids", owner: uid);

        var placement = CgroupPlacer.Prepare(new CgroupPlacer.HostFacts(V2, $"0::{scope}\n", uid), 77, CgroupPlacer.Wanted);

        Assert.Equal(scope + "/vse", placement.Path);
        Assert.Equal("77", File.ReadAllText(Mount + scope + "/" + CgroupPlacer.SelfLeaf + "/cgroup.procs"));
        Assert.Equal(["memory", "pids"], placement.Controllers);
    }

    [Theory]
    [InlineData("0::/user.slice/x.scope\n", "/user.slice/x.scope")]
    [InlineData("12:pids:/a\n0::/\n", "/")]
    [InlineData("4:memory:/a\n", null)]
    public void TheV2PathIsTheLineWithHierarchyZero(string text, string? expected) => Assert.Equal(expected, CgroupPlacer.V2PathOf(text));

    [Fact]
    public void OnlyTheLimitsAskedForAndNotAppliedAreReported()
    {
        var placement = new CgroupPlacement(CgroupLayout.V2, "/vse", "/sys/fs/cgroup/vse", false, ["cpu", "pids"], "memory not offered to /sys/fs/cgroup");

        Assert.Equal(
            ["resources.memory is not applied: the memory controller is not available to vse's cgroups (/sys/fs/cgroup/vse): memory not offered to /sys/fs/cgroup"],
            DriverAbilities.UnappliedLimits(placement, SampleSpecs.Spec(cpus: 2, memory: 1 << 30)));
        Assert.Empty(DriverAbilities.UnappliedLimits(placement, SampleSpecs.Spec(cpus: 2, memory: null)));
        Assert.Empty(DriverAbilities.UnappliedLimits((CgroupPlacement?)null, SampleSpecs.Spec(cpus: 2, memory: 1 << 30)));
    }

    /// <summary>The uid the fake delegated groups are given to (lchown: root only), never the test's own.</summary>
    private static uint OwnerUid()
    {
        Requirements.Root();
        return User;
    }

    private void Group(string path, string controllers, uint? owner = null)
    {
        var directory = Directory.CreateDirectory(Mount + path).FullName;
        File.WriteAllText(Path.Combine(directory, "cgroup.controllers"), controllers);
        File.WriteAllText(Path.Combine(directory, "cgroup.subtree_control"), "");
        File.WriteAllText(Path.Combine(directory, "cgroup.procs"), "");
        if (owner is { } uid)
        {
            foreach (var node in new[] { directory, Path.Combine(directory, "cgroup.procs"), Path.Combine(directory, "cgroup.subtree_control") })
            {
                Assert.Equal(0, NodeOperations.SetOwner(node, uid, uid));
            }
        }
    }
}
