using System.Text.Json.Nodes;

namespace Vse.Cli.Tests;

/// <summary><c>vse doctor</c> says where instances' cgroups go and which controllers (limits) they get.</summary>
public sealed class DoctorCgroupPlacementTests
{
    [SkippableFact]
    public async Task As_root_the_report_names_the_parent_of_the_instances_cgroups_and_its_controllers()
    {
        Requirements.Root();
        using var workspace = new Workspace();

        var json = JsonNode.Parse((await workspace.RunAsync("doctor", "--json")).Stdout)!;
        var table = (await workspace.RunAsync("doctor")).Stdout.Split('\n');

        var layout = json["cgroups"]!["layout"]!.GetValue<string>();
        var placement = json["cgroupPlacement"]!;
        var controllers = placement["controllers"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var limits = Assert.Single(table, l => l.StartsWith("limits ", StringComparison.Ordinal));
        switch (layout)
        {
            case "v1" or "hybrid":
                // Root keeps the v1 hierarchies: each controller's own tree, /vse/ID in it.
                Assert.Equal("/vse", placement["path"]!.GetValue<string>());
                Assert.Null(placement["v2Directory"]);
                Assert.Equal(json["cgroups"]!["v1Controllers"]!.AsArray().Select(c => c!.GetValue<string>()), controllers);
                Assert.EndsWith($"v1: /sys/fs/cgroup/CONTROLLER/vse/ID with {string.Join(",", controllers)}", limits);
                break;
            case "v2":
                Assert.Equal("/vse", placement["path"]!.GetValue<string>());
                Assert.Equal("/sys/fs/cgroup/vse", placement["v2Directory"]!.GetValue<string>());
                Assert.Contains("v2: /sys/fs/cgroup/vse/ID with ", limits, StringComparison.Ordinal);
                break;
            default:
                Assert.Null(placement["path"]);
                Assert.Contains("none: no cgroup file system is mounted", limits, StringComparison.Ordinal);
                break;
        }
    }
}
