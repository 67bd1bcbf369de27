using System.Diagnostics;
using Vse.Host.FileSystem;
using Vse.Runtime.Host;
using Vse.Testing;

namespace Vse.Runtime.Tests.Host;

/// <summary>
/// <see cref="CgroupPlacer"/> against the kernel's own cgroup v2 rules, on a v2 hierarchy of this
/// host: the unified one of a hybrid host (<c>/sys/fs/cgroup/unified</c>, whose only controller
/// here is hugetlb) or <c>/sys/fs/cgroup</c> of a v2 host. A group given to an ordinary user (as
/// systemd's Delegate=yes does) holds a process standing for vse: the placer must move it into
/// a leaf, or the kernel refuses to enable a controller for the group's children
/// (no-internal-process rule). Root only (it makes groups and gives them away).
/// </summary>
public sealed class CgroupPlacerHostTests : IAsyncLifetime
{
    private const uint DelegatedUid = 4243;
    private CgroupReport _mounts = null!;
    private string _controller = "";
    private string _group = "";
    private string _directory = "";
    private readonly List<Process> _processes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Called by each test (a skip must come from the test itself, not from InitializeAsync).</summary>
    private async Task SetUpAsync()
    {
        Requirements.Root();
        _mounts = await CgroupMounts.ReadAsync(CancellationToken.None);
        if (_mounts.V2MountPoint is not { } mount)
        {
            Requirements.Missing("no cgroup v2 hierarchy is mounted");
            return;
        }

        if (!File.Exists(Path.Combine(mount, "cgroup.controllers")))
        {
            Requirements.Missing($"{mount} is not a cgroup v2 hierarchy");
            return;
        }

        // A controller v2 has that no v1 hierarchy holds: on a hybrid host usually only hugetlb or misc.
        var available = (await File.ReadAllTextAsync(Path.Combine(mount, "cgroup.controllers"))).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        _controller = available.FirstOrDefault(c => c is "pids" or "memory" or "hugetlb" or "misc") ?? "";
        if (_controller == "")
        {
            Requirements.Missing($"the v2 hierarchy at {mount} offers no controller to enable ({string.Join(",", available)})");
            return;
        }

        // The root group may have processes; its subtree_control gives our test group the controller.
        await File.WriteAllTextAsync(Path.Combine(mount, "cgroup.subtree_control"), "+" + _controller);
        _group = "/vse-placer-test-" + Guid.NewGuid().ToString("N")[..8];
        _directory = mount + _group;
        Directory.CreateDirectory(_directory);
        foreach (var node in new[] { _directory, Path.Combine(_directory, "cgroup.procs"), Path.Combine(_directory, "cgroup.subtree_control") })
        {
            Assert.Equal(0, NodeOperations.SetOwner(node, DelegatedUid, DelegatedUid));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }

        if (_directory == "" || !Directory.Exists(_directory))
        {
            return;
        }

        // Children first (the leaf, vse, the instances' parent), once their processes are gone.
        foreach (var child in Directory.GetDirectories(_directory).Append(_directory))
        {
            await Poll.UntilAsync(() => Task.FromResult(TryRemove(child)), $"removing {child}");
        }
    }

    [SkippableFact]
    public async Task VseInTheTopOfItsDelegatedGroupMovesToALeafAndTheControllerReachesTheInstancesParent()
    {
        await SetUpAsync();
        var vse = await InGroupAsync();

        var placement = CgroupPlacer.Prepare(Facts(), vse.Id, [_controller]);

        Assert.Null(placement.Reason);
        Assert.Equal(_group + "/vse", placement.Path);
        Assert.True(placement.Delegated);
        Assert.Equal([_controller], placement.Controllers);
        Assert.Equal($"0::{_group}/{CgroupPlacer.SelfLeaf}", V2LineOf(vse.Id));
        // The kernel's word: the instances' parent offers the controller to each instance's group.
        Assert.Contains(_controller, (await File.ReadAllTextAsync(Path.Combine(_directory, "vse", "cgroup.controllers"))).Split(' ', StringSplitOptions.TrimEntries));
        Assert.Contains(_controller, (await File.ReadAllTextAsync(Path.Combine(_directory, "vse", "cgroup.subtree_control"))).Split(' ', StringSplitOptions.TrimEntries));
    }

    [SkippableFact]
    public async Task AnotherProcessLeftInTheTopGroupIsReportedAndInstancesStillGetAGroup()
    {
        await SetUpAsync();
        var vse = await InGroupAsync();
        await InGroupAsync();

        var placement = CgroupPlacer.Prepare(Facts(), vse.Id, [_controller]);

        Assert.Equal(_group + "/vse", placement.Path);
        Assert.Empty(placement.Controllers);
        // EBUSY from the kernel: the group still holds the other process.
        Assert.Contains($"enabling {_controller} failed", placement.Reason, StringComparison.Ordinal);
        Assert.Contains("busy", placement.WhyNot(_controller), StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task LocatingChangesNothingOnTheHost()
    {
        await SetUpAsync();
        var placement = CgroupPlacer.Locate(Facts(), [_controller]);

        Assert.Equal(_group + "/vse", placement.Path);
        Assert.False(Directory.Exists(Path.Combine(_directory, "vse")));
    }

    /// <summary>This host's v2 hierarchy seen as a v2-only host by the delegated user, who runs in the test group.</summary>
    private CgroupPlacer.HostFacts Facts() =>
        new(new CgroupReport(CgroupLayout.V2, _mounts.V2MountPoint, [], _mounts.V2Controllers), $"0::{_group}\n", DelegatedUid);

    /// <summary>A process in the test group (as the user's shell and vse would be).</summary>
    private async Task<Process> InGroupAsync()
    {
        var process = Process.Start(new ProcessStartInfo(Requirements.Tool("sleep"), "600"))!;
        _processes.Add(process);
        await File.WriteAllTextAsync(Path.Combine(_directory, "cgroup.procs"), process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return process;
    }

    private static string? V2LineOf(int pid) => File.ReadAllLines($"/proc/{pid}/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));

    private static bool TryRemove(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory);
            }

            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
