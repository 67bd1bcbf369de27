using Vse.Runtime.Host;
using Vse.Runtime.Sandbox.Launch;
using Vse.Runtime.Tests.Support;
using Vse.Testing;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// Where a launched instance's one cgroup goes on v2 (docs/runtime.md, "Scale"): with a memory
/// limit under <c>vse</c> (a memory group of its own), without one under
/// <c>vse/unlimited-memory</c> (no memory group of its own); limits and freezing find the group
/// where it was made. On a fake v2 directory (plain files); the kernel's side is
/// LaunchMemoryGroupTests on a v2 host (the cgroup v2 twin).
/// </summary>
public sealed class LaunchCgroupsV2LayoutTests : IDisposable
{
    private readonly TempDirectory _tree = new("vse-launch-cgroups-");

    public void Dispose() => _tree.Dispose();

    private string Vse => Path.Combine(_tree.Path, "vse");

    private string Shared => Path.Combine(Vse, CgroupPlacement.SharedMemoryGroup);

    private LaunchCgroups Cgroups(bool sharedGroup) => new(new CgroupPlacement(
        CgroupLayout.V2, "/vse", Vse, false, ["cpu", "io", "memory", "pids"], null, sharedGroup ? ["cpu", "io", "pids"] : null));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WithoutAMemoryLimitTheGroupIsUnderTheSharedMemoryGroupWithOneUnderVse(bool memoryLimit)
    {
        var cgroups = Cgroups(sharedGroup: true);
        var spec = SampleSpecs.Spec(cpus: 1, memory: memoryLimit ? 64 << 20 : null, id: "dep-3");
        var (parent, other) = memoryLimit ? (Vse, Shared) : (Shared, Vse);

        AssertRoots([parent], cgroups.RootsFor(spec));
        cgroups.Create(spec);
        Assert.True(Directory.Exists(Path.Combine(parent, "dep-3")));
        Assert.False(Directory.Exists(Path.Combine(other, "dep-3")));
    }

    [Fact]
    public void WithoutASharedMemoryGroupEveryInstanceIsUnderVse()
    {
        var cgroups = Cgroups(sharedGroup: false);

        AssertRoots([Vse], cgroups.RootsFor(SampleSpecs.Spec(memory: null)));
        Assert.Equal([Vse], cgroups.Roots);
    }

    [Fact]
    public async Task LimitsFreezingAndRemovalFindTheGroupUnderTheSharedMemoryGroup()
    {
        var cgroups = Cgroups(sharedGroup: true);
        var group = Directory.CreateDirectory(Path.Combine(Shared, "dep-5")).FullName;
        File.WriteAllText(Path.Combine(group, "cpu.max"), "max 100000\n");
        File.WriteAllText(Path.Combine(group, "cgroup.freeze"), "0\n");

        cgroups.SetLimits("dep-5", cpus: 2, memoryBytes: null);
        await cgroups.FreezeAsync("dep-5", frozen: true, CancellationToken.None);

        Assert.Equal("200000 100000", File.ReadAllText(Path.Combine(group, "cpu.max")));
        Assert.True(cgroups.IsFrozen("dep-5"));
        Assert.False(Directory.Exists(Path.Combine(Vse, "dep-5")));
        foreach (var file in Directory.GetFiles(group))
        {
            File.Delete(file);  // a real cgroup directory is removed with its files; a fake one needs them gone
        }

        await cgroups.RemoveAsync("dep-5", CancellationToken.None);
        Assert.False(Directory.Exists(group));
    }

    /// <summary>On v2 an instance has one group of its own and joins none (<c>--cgroup-join</c> is v1's way).</summary>
    private static void AssertRoots(string[] own, (IReadOnlyList<string> Own, IReadOnlyList<string> Shared) roots)
    {
        Assert.Equal(own, roots.Own);
        Assert.Empty(roots.Shared);
    }
}
