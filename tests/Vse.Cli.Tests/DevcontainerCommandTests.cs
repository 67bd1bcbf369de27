using System.Text.Json.Nodes;

namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse devcontainer</c>: the definition passes the Dev Containers schema, and the image it
/// names opens with umoci and runs with runc, with the description's environment in it.
/// </summary>
public sealed class DevcontainerCommandTests
{
    [SkippableFact]
    public async Task The_definition_validates_and_its_image_runs_under_runc_with_the_description_env()
    {
        Requirements.Root();
        var umoci = Requirements.Tool("umoci");
        var runc = Requirements.Tool("runc");
        using var workspace = new Workspace();
        Directory.CreateDirectory(Path.Combine(workspace.Root, "data"));
        workspace.Write("dev.vse.yaml", $$"""
            vse: 1
            name: apps/dev
            os: {base: busybox}
            env: {GREETING: hello-from-vse}
            files: [{write: /etc/motd, content: "the cluster's environment\n"}]
            mounts:
              /data: {source: "{{Path.Combine(workspace.Root, "data")}}", mode: ro}
            resources: {cpus: 1, memory: 64Mi}
            """);

        var written = await workspace.RunAsync("devcontainer", "dev.vse.yaml", "--output", "project");
        Assert.True(written.ExitCode == 0, written.Stdout + written.Stderr);
        var directory = Path.Combine(workspace.Root, "project", ".devcontainer");
        var json = File.ReadAllText(Path.Combine(directory, "devcontainer.json"));
        Assert.Empty(DevContainerSchema.Errors(json));
        var definition = JsonNode.Parse(json)!;
        var image = (string)definition["image"]!;
        Assert.Contains(image, written.Stdout);
        Assert.Equal("hello-from-vse", (string?)definition["containerEnv"]!["GREETING"]);
        Assert.Contains(definition["mounts"]!.AsArray(), m => ((string)m!).EndsWith("target=/data,readonly", StringComparison.Ordinal));

        // The image as an editor's container engine gets it: unpacked into a bundle, run by runc.
        var bundle = Path.Combine(workspace.Root, "bundle");
        var unpacked = await UnprivilegedUser.RunToolAsync(umoci, ["unpack", "--image", Path.Combine(directory, "image") + ":latest", bundle]);
        Assert.True(unpacked.ExitCode == 0, unpacked.Stderr);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "config.json")))!;
        Assert.Contains("GREETING=hello-from-vse", config["process"]!["env"]!.AsArray().Select(e => (string)e!));
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray("/bin/sh", "-c", "echo $GREETING; cat /etc/motd");
        File.WriteAllText(Path.Combine(bundle, "config.json"), config.ToJsonString());
        var ran = await UnprivilegedUser.RunToolAsync(runc, ["--root", Path.Combine(workspace.Root, "runc"), "run", "--bundle", bundle, "vse-devcontainer-test-" + Environment.ProcessId]);
        Assert.True(ran.ExitCode == 0, ran.Stderr);
        Assert.Equal("hello-from-vse\nthe cluster's environment\n", ran.Stdout);
    }
}
