using System.Text.Json.Nodes;
using Vse.Host.Processes;

namespace Vse.Cli.Tests;

/// <summary>
/// An <c>oci</c> export used with the tools people already have, no vse in the loop: copied by
/// <c>skopeo copy</c> (which checks every blob against its digest), unpacked by <c>umoci unpack</c>,
/// and run by plain <c>runc run</c> with the process the image config names (the description's
/// <c>run</c> and its environment), which prints what the description says.
/// </summary>
public sealed class OciExportInteroperabilityTests
{
    /// <summary>A hang guard for each tool, not a timing.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public async Task An_oci_export_copied_by_skopeo_and_unpacked_by_umoci_runs_its_command_under_plain_runc()
    {
        Requirements.Root();
        var skopeo = Requirements.Tool("skopeo");
        var umoci = Requirements.Tool("umoci");
        var runc = Requirements.Tool("runc");
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", """
            vse: 1
            name: interop
            os:
              base: busybox
            env:
              GREETING: hello-from-the-image
            build:
              - id: marker
                run: mkdir -p /work && echo built-by-vse > /work/marker
            run: echo "$GREETING"; cat /work/marker; pwd
            """);
        var built = await workspace.RunAsync("build", "app.vse.yaml", "-o", "oci:" + Path.Combine(workspace.Root, "export"));
        Assert.True(built.ExitCode == 0, built.Stderr);

        var copy = Path.Combine(workspace.Root, "copy");
        await RunAsync(skopeo, ["copy", "--quiet", $"oci:{Path.Combine(workspace.Root, "export")}:latest", $"oci:{copy}:latest"]);
        var bundle = Path.Combine(workspace.Root, "bundle");
        await RunAsync(umoci, ["unpack", "--image", $"{copy}:latest", bundle]);

        // The process stays as umoci made it from the image config; only no terminal (the test has none).
        var configPath = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["process"]!["terminal"] = false;
        File.WriteAllText(configPath, config.ToJsonString());
        var ran = await RunAsync(runc, ["--root", Path.Combine(workspace.Root, "runc"), "run", "--bundle", bundle, $"vse-interop-{Environment.ProcessId}"]);

        Assert.Equal("hello-from-the-image\nbuilt-by-vse\n/\n", ran.Stdout);
    }

    private static async Task<ExternalTool.Result> RunAsync(string tool, IEnumerable<string> arguments)
    {
        using var guard = new CancellationTokenSource(Guard);
        var result = await ExternalTool.RunUncheckedAsync(tool, arguments, guard.Token);
        Assert.True(result.ExitCode == 0, $"{Path.GetFileName(tool)}: {result.Stderr}");
        return result;
    }
}
