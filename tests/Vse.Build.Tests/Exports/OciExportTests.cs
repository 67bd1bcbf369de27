using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Vse.Build.Exports;
using Vse.Build.Reproducible;

namespace Vse.Build.Tests.Exports;

public sealed class OciExportTests
{
    [SkippableFact]
    public async Task Layout_follows_the_image_spec_and_every_digest_is_right()
    {
        Requirements.Tool("tar");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("image");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Oci, output), CancellationToken.None);

        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", await File.ReadAllTextAsync(Path.Combine(output, "oci-layout")));
        Assert.Equal(["blobs", "index.json", "oci-layout"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName).Order());
        foreach (var blob in Directory.EnumerateFiles(Path.Combine(output, "blobs", "sha256")))
        {
            Assert.Equal(Path.GetFileName(blob), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(blob))));
        }

        var index = Json(Path.Combine(output, "index.json"));
        Assert.Equal(2, (int?)index["schemaVersion"]);
        Assert.Equal("application/vnd.oci.image.index.v1+json", (string?)index["mediaType"]);
        var entry = Assert.Single(index["manifests"]!.AsArray())!;
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", (string?)entry["mediaType"]);
        Assert.Equal("latest", (string?)entry["annotations"]!["org.opencontainers.image.ref.name"]);

        var manifest = Blob(output, entry);
        Assert.Equal("application/vnd.oci.image.config.v1+json", (string?)manifest["config"]!["mediaType"]);
        var layer = Assert.Single(manifest["layers"]!.AsArray())!;
        Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", (string?)layer["mediaType"]);

        var config = Blob(output, manifest["config"]!);
        await using var gunzip = new GZipStream(File.OpenRead(BlobPath(output, layer)), CompressionMode.Decompress);
        var diffId = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(gunzip));
        Assert.Equal(diffId, (string?)Assert.Single(config["rootfs"]!["diff_ids"]!.AsArray()));
        Assert.Equal("layers", (string?)config["rootfs"]!["type"]);
        Assert.Equal("linux", (string?)config["os"]);
        if (RuntimeInformation.OSArchitecture == Architecture.X64)
        {
            Assert.Equal("amd64", (string?)config["architecture"]);
        }

        Assert.Empty(tree.Leftovers());
    }

    [SkippableFact]
    public async Task Skopeo_reads_the_env_command_and_labels_and_can_copy_the_image()
    {
        Requirements.Tool("tar");
        Requirements.Tool("skopeo");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("image");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Oci, output), CancellationToken.None);

        var inspect = JsonNode.Parse(await ToolOutput.RunAsync("skopeo", "inspect", $"oci:{output}:latest"))!;
        Assert.Equal("sample/app", (string?)inspect["Labels"]!["org.opencontainers.image.title"]);
        Assert.Equal(SampleTree.Config.DescriptionDigest, (string?)inspect["Labels"]!["io.vse.description.digest"]);
        Assert.Equal(
            ["GREETING=hello world", "OMP_NUM_THREADS=8", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            inspect["Env"]!.AsArray().Select(value => (string?)value));
        Assert.Equal("linux", (string?)inspect["Os"]);

        var config = JsonNode.Parse(await ToolOutput.RunAsync("skopeo", "inspect", "--config", $"oci:{output}:latest"))!["config"]!;
        Assert.Equal(["/usr/bin/tool", "--flag"], config["Cmd"]!.AsArray().Select(value => (string?)value));
        Assert.Equal("/opt/app", (string?)config["WorkingDir"]);

        var copy = tree.Output("copied");
        await ToolOutput.RunAsync("skopeo", "copy", "--quiet", $"oci:{output}:latest", $"dir:{copy}");
        Assert.True(File.Exists(Path.Combine(copy, "manifest.json")));
    }

    [SkippableFact]
    public async Task Umoci_unpacks_the_tree_and_a_runtime_config_from_the_image()
    {
        Requirements.Tool("tar");
        Requirements.Tool("umoci");
        Requirements.Root();
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("image");
        var bundle = tree.Output("bundle");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Oci, output), CancellationToken.None);
        await ToolOutput.RunAsync("umoci", "unpack", "--image", $"{output}:latest", bundle);

        TreeSnapshot.Take(Path.Combine(bundle, "rootfs")).AssertSameAs(TreeSnapshot.Take(tree.Root).WithTimesClampedTo(ReproducibleTree.Epoch));
        var process = Json(Path.Combine(bundle, "config.json"))["process"]!;
        Assert.Equal(["/usr/bin/tool", "--flag"], process["args"]!.AsArray().Select(value => (string?)value));
        Assert.Equal("/opt/app", (string?)process["cwd"]);
        Assert.Contains("GREETING=hello world", process["env"]!.AsArray().Select(value => (string?)value));
    }

    [SkippableFact]
    public async Task Two_exports_of_one_tree_are_the_same_image()
    {
        Requirements.Tool("tar");
        using var tree = await SampleTree.CreateAsync();
        var first = tree.Output("first");
        var second = tree.Output("second");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Oci, first), CancellationToken.None);
        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Oci, second), CancellationToken.None);

        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(first, "index.json")),
            await File.ReadAllTextAsync(Path.Combine(second, "index.json")));
    }

    private static JsonNode Json(string path) => JsonNode.Parse(File.ReadAllText(path))!;

    private static string BlobPath(string layout, JsonNode descriptor) =>
        Path.Combine(layout, "blobs", "sha256", ((string)descriptor["digest"]!)["sha256:".Length..]);

    private static JsonNode Blob(string layout, JsonNode descriptor)
    {
        var path = BlobPath(layout, descriptor);
        Assert.Equal((long)descriptor["size"]!, new FileInfo(path).Length);
        return Json(path);
    }
}
