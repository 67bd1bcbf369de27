using System.Diagnostics;

namespace Vse.Cli.Tests.Faults;

/// <summary>
/// The leak list of the fault and concurrency tests must see a leak when there is one: each kind
/// is planted for real (a marked process, a mount and an overlay under the workspace, a network
/// namespace and a cgroup named with a deployment id) and must show, then go once removed.
/// </summary>
[Collection(FaultInjectionCollection.Name)]
public sealed class HostResourcesTests
{
    [SkippableFact]
    public async Task Planted_processes_mounts_overlays_and_network_namespaces_are_each_listed_as_leaked()
    {
        Requirements.Root();
        Requirements.Tool("ip");
        using var workspace = new Workspace();
        var marker = "vse-plant-" + Guid.NewGuid().ToString("N");
        var id = Guid.NewGuid().ToString("N")[..8];
        var before = HostResources.Take(workspace.Root, marker, [id]);
        var mount = Directory.CreateDirectory(Path.Combine(workspace.Root, "planted")).FullName;
        var lower = Directory.CreateDirectory(Path.Combine(workspace.Root, "lower")).FullName;
        var overlay = Directory.CreateDirectory(Path.Combine(workspace.Root, "merged")).FullName;
        var sleep = new ProcessStartInfo("sleep", ["600"]);
        sleep.Environment["VSE_FAULT_MARKER"] = marker;
        using var process = Process.Start(sleep)!;
        // vse's parent group in the first hierarchy that has one (v1: each controller's; v2: the one).
        var cgroup = Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => Path.Combine(h, "vse")).Append("/sys/fs/cgroup/vse").FirstOrDefault(Directory.Exists) is { } parent
            ? Path.Combine(parent, $"apps-plant-{id}-0")
            : null;
        try
        {
            await RunAsync("mount", "-t", "tmpfs", "planted", mount);
            await RunAsync("mount", "-t", "overlay", "overlay", "-o", $"lowerdir={lower}:{mount}", overlay);
            await RunAsync("ip", "netns", "add", "vse-plant-" + id);
            if (cgroup is not null)
            {
                Directory.CreateDirectory(cgroup);
            }

            var leaked = before.Leaked(HostResources.Take(workspace.Root, marker, [id]));

            Assert.Contains(leaked, l => l.StartsWith($"+ process {process.Id} sleep 600", StringComparison.Ordinal));
            Assert.Contains($"+ mount {mount} tmpfs", leaked);
            Assert.Contains($"+ overlay {overlay} overlay", leaked);
            Assert.Contains($"+ netns vse-plant-{id}", leaked);
            if (cgroup is not null)
            {
                Assert.Contains($"+ cgroup {cgroup}", leaked);
            }
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            await RunAsync("umount", overlay);
            await RunAsync("umount", mount);
            await RunAsync("ip", "netns", "delete", "vse-plant-" + id);
            if (cgroup is not null && Directory.Exists(cgroup))
            {
                Directory.Delete(cgroup);
            }
        }

        Assert.Empty(await before.LeakedOnceSettledAsync(() => HostResources.Take(workspace.Root, marker, [id])));
    }

    private static async Task RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)}: {error}");
    }
}
