using System.Text.Json.Nodes;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Images;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Images;

public sealed class OciLayoutReaderTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly OciLayoutBuilder layout;
    private readonly ImageRoot root;

    public OciLayoutReaderTests()
    {
        layout = new OciLayoutBuilder(temp.CreateDirectory("layout"));
        root = new ImageRoot(temp.CreateDirectory("rootfs"));
    }

    public void Dispose() => temp.Dispose();

    private static byte[] Layer(string file, string content) => new TarBuilder().File(file, content).ToArray();

    private JsonObject TwoLayerImage() => layout.AddImage(
        [
            (new TarBuilder().Directory("etc/").File("etc/motd", "hello").File("etc/os-release", "ID=test").ToArray(), true),
            (new TarBuilder().File("etc/.wh.motd", "").File("app/run", "run").ToArray(), false),
        ],
        new JsonObject
        {
            ["Env"] = new JsonArray("PATH=/usr/bin:/bin", "LANG=C.UTF-8"),
            ["Entrypoint"] = new JsonArray("/app/run"),
            ["Cmd"] = new JsonArray("--serve"),
            ["WorkingDir"] = "/app",
            ["User"] = "1000",
        });

    [Fact]
    public async Task A_layout_yields_its_config_and_its_layers_in_order()
    {
        layout.WriteIndex(TwoLayerImage());

        using var image = await OciLayoutReader.OpenDirectoryAsync(layout.Directory);
        var results = await image.ExtractToAsync(root);

        Assert.Equal(ImageArchiveFormat.OciLayout, image.Format);
        Assert.Equal(["PATH=/usr/bin:/bin", "LANG=C.UTF-8"], image.Config.Env);
        Assert.Equal(["/app/run"], image.Config.Entrypoint);
        Assert.Equal(["--serve"], image.Config.Cmd);
        Assert.Equal("/app", image.Config.WorkingDir);
        Assert.Equal(("1000", "linux", "amd64"), (image.Config.User, image.Config.Os, image.Config.Architecture));
        Assert.Equal([OciLayoutBuilder.GzipLayerType, OciLayoutBuilder.LayerType], image.Layers.Select(layer => layer.MediaType));
        Assert.All(image.Layers, layer => Assert.StartsWith("sha256:", layer.DiffId));
        Assert.Equal(2, results.Count);
        Assert.False(File.Exists(root.HostPath + "/etc/motd"));
        Assert.Equal("ID=test", File.ReadAllText(root.HostPath + "/etc/os-release"));
        Assert.Equal("run", File.ReadAllText(root.HostPath + "/app/run"));
    }

    [Fact]
    public async Task An_image_without_layers_is_an_empty_image()
    {
        layout.WriteIndex(layout.AddImage([]));
        using var image = await OciLayoutReader.OpenDirectoryAsync(layout.Directory);
        Assert.Empty(image.Layers);
        Assert.Empty(image.Config.Env);
        Assert.Null(image.Config.WorkingDir);
    }

    [Fact]
    public async Task A_nested_index_of_manifests_gives_linux_amd64_by_default()
    {
        var amd64 = OciLayoutBuilder.WithPlatform(layout.AddImage([(Layer("arch", "amd64"), true)]), "linux", "amd64");
        var arm64 = OciLayoutBuilder.WithPlatform(layout.AddImage([(Layer("arch", "arm64"), true)], architecture: "arm64"), "linux", "arm64", "v8");
        var attestation = OciLayoutBuilder.WithPlatform(layout.AddImage([(Layer("arch", "none"), false)]), "unknown", "unknown");
        var nested = layout.AddJsonBlob(OciLayoutBuilder.Index(arm64, attestation, amd64), OciLayoutBuilder.IndexType);
        layout.WriteIndex(OciLayoutBuilder.WithRefName(nested, "example.org/app:1.0"));

        using (var image = await OciLayoutReader.OpenDirectoryAsync(layout.Directory))
        {
            await image.ExtractToAsync(root);
            Assert.Equal("amd64", File.ReadAllText(root.HostPath + "/arch"));
        }

        using (var image = await OciLayoutReader.OpenDirectoryAsync(layout.Directory, new ImagePlatform("linux", "arm64", "v8")))
        {
            Assert.Equal("arm64", image.Config.Architecture);
        }
    }

    [Fact]
    public async Task A_top_level_index_of_platforms_gives_linux_amd64()
    {
        layout.WriteIndex(
            OciLayoutBuilder.WithPlatform(layout.AddImage([], architecture: "arm64"), "linux", "arm64"),
            OciLayoutBuilder.WithPlatform(layout.AddImage([], architecture: "amd64"), "linux", "amd64"));
        using var image = await OciLayoutReader.OpenDirectoryAsync(layout.Directory);
        Assert.Equal("amd64", image.Config.Architecture);
    }

    [Fact]
    public async Task No_image_for_the_platform_is_an_error_that_lists_what_there_is()
    {
        layout.WriteIndex(
            OciLayoutBuilder.WithPlatform(layout.AddImage([], architecture: "arm64"), "linux", "arm64"),
            OciLayoutBuilder.WithPlatform(layout.AddImage([], architecture: "ppc64le"), "linux", "ppc64le"));
        var problem = await Assert.ThrowsAsync<InvalidImageArchiveException>(() => OciLayoutReader.OpenDirectoryAsync(layout.Directory));
        Assert.Contains("no image for linux/amd64", problem.Message);
        Assert.Contains("linux/arm64, linux/ppc64le", problem.Message);
    }

    [Fact]
    public async Task A_reference_chooses_among_several_images()
    {
        layout.WriteIndex(
            OciLayoutBuilder.WithRefName(layout.AddImage([(Layer("name", "one"), false)]), "example.org/one:1.0"),
            OciLayoutBuilder.WithRefName(layout.AddImage([(Layer("name", "two"), false)]), "example.org/two:2.0"));

        var problem = await Assert.ThrowsAsync<InvalidImageArchiveException>(() => OciLayoutReader.OpenDirectoryAsync(layout.Directory));
        Assert.Contains("example.org/one:1.0", problem.Message);

        using var image = await OciLayoutReader.OpenDirectoryAsync(layout.Directory, reference: "2.0");
        await image.ExtractToAsync(root);
        Assert.Equal("two", File.ReadAllText(root.HostPath + "/name"));
    }

    [Fact]
    public async Task A_corrupted_layer_blob_is_refused_before_it_is_applied()
    {
        var manifest = TwoLayerImage();
        layout.WriteIndex(manifest);
        using var image = await OciLayoutReader.OpenDirectoryAsync(layout.Directory);
        var blob = layout.BlobPath(image.Layers[1].Digest!);
        var bytes = File.ReadAllBytes(blob);
        bytes[600] ^= 0xff;
        File.WriteAllBytes(blob, bytes);

        var problem = await Assert.ThrowsAsync<DigestMismatchException>(() => image.OpenLayerAsync(image.Layers[1]));
        Assert.Equal(image.Layers[1].Digest, problem.Expected);
        Assert.NotEqual(problem.Expected, problem.Actual);
        await Assert.ThrowsAsync<DigestMismatchException>(() => image.ExtractToAsync(root));
        Assert.False(Directory.Exists(root.HostPath + "/app"));
    }

    [Fact]
    public async Task A_corrupted_manifest_or_config_is_refused_when_opened()
    {
        var manifest = TwoLayerImage();
        layout.WriteIndex(manifest);
        var manifestBlob = layout.BlobPath(manifest["digest"]!.GetValue<string>());
        var configDigest = JsonNode.Parse(File.ReadAllText(manifestBlob))!["config"]!["digest"]!.GetValue<string>();
        File.AppendAllText(layout.BlobPath(configDigest), " ");

        await Assert.ThrowsAsync<DigestMismatchException>(() => OciLayoutReader.OpenDirectoryAsync(layout.Directory));

        File.WriteAllText(manifestBlob, File.ReadAllText(manifestBlob).Replace("\"schemaVersion\":2", "\"schemaVersion\":3"));
        var problem = await Assert.ThrowsAsync<DigestMismatchException>(() => OciLayoutReader.OpenDirectoryAsync(layout.Directory));
        Assert.Equal(manifest["digest"]!.GetValue<string>(), problem.Expected);
    }

    [Theory]
    [InlineData("sha256:../../../../etc/passwd")]
    [InlineData("sha256:ABCDEF")]
    [InlineData("sha512:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task A_digest_that_is_not_a_sha256_digest_is_refused(string digest)
    {
        layout.WriteIndex(new JsonObject { ["mediaType"] = OciLayoutBuilder.ManifestType, ["digest"] = digest, ["size"] = 1 });
        var problem = await Assert.ThrowsAsync<InvalidImageArchiveException>(() => OciLayoutReader.OpenDirectoryAsync(layout.Directory));
        Assert.Contains("not sha256:<64 lowercase hex digits>", problem.Message);
    }

    [Fact]
    public async Task A_layer_whose_size_differs_from_its_descriptor_is_refused()
    {
        var layer = layout.AddBlob(Layer("a", "a"), OciLayoutBuilder.LayerType);
        layer["size"] = 1;
        var config = layout.AddJsonBlob(new JsonObject { ["os"] = "linux" }, "application/vnd.oci.image.config.v1+json");
        var manifest = layout.AddJsonBlob(
            new JsonObject { ["schemaVersion"] = 2, ["config"] = config, ["layers"] = new JsonArray(layer) },
            OciLayoutBuilder.ManifestType);
        layout.WriteIndex(manifest);
        var problem = await Assert.ThrowsAsync<InvalidImageArchiveException>(() => OciLayoutReader.OpenDirectoryAsync(layout.Directory));
        Assert.Contains("its descriptor says 1", problem.Message);
    }

    [Fact]
    public async Task A_missing_layer_blob_is_refused()
    {
        var manifest = TwoLayerImage();
        layout.WriteIndex(manifest);
        using (var image = await OciLayoutReader.OpenDirectoryAsync(layout.Directory))
        {
            File.Delete(layout.BlobPath(image.Layers[0].Digest!));
        }

        var problem = await Assert.ThrowsAsync<InvalidImageArchiveException>(() => OciLayoutReader.OpenDirectoryAsync(layout.Directory));
        Assert.Contains("missing", problem.Message);
    }

    [Fact]
    public async Task A_directory_without_oci_layout_is_not_a_layout()
    {
        File.Delete(Path.Combine(layout.Directory, "oci-layout"));
        var problem = await Assert.ThrowsAsync<InvalidImageArchiveException>(() => OciLayoutReader.OpenDirectoryAsync(layout.Directory));
        Assert.Contains("oci-layout", problem.Message);
    }

    [Fact]
    public async Task Malformed_json_is_reported_as_an_invalid_archive()
    {
        File.WriteAllText(Path.Combine(layout.Directory, "index.json"), "{ not json");
        await Assert.ThrowsAsync<InvalidImageArchiveException>(() => OciLayoutReader.OpenDirectoryAsync(layout.Directory));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_layout_packed_as_a_tar_file_reads_the_same(bool gzip)
    {
        layout.WriteIndex(TwoLayerImage());
        var tar = layout.PackAsTar(temp.Combine("image.tar"), gzip);

        using var image = await OciLayoutReader.OpenTarAsync(tar);
        await image.ExtractToAsync(root);

        Assert.Equal(ImageArchiveFormat.OciArchive, image.Format);
        Assert.Equal("/app", image.Config.WorkingDir);
        Assert.Equal("run", File.ReadAllText(root.HostPath + "/app/run"));
    }

    [Fact]
    public async Task A_corrupted_blob_in_a_packed_layout_is_refused()
    {
        layout.WriteIndex(TwoLayerImage());
        using (var image = await OciLayoutReader.OpenDirectoryAsync(layout.Directory))
        {
            var blob = layout.BlobPath(image.Layers[0].Digest!);
            var bytes = File.ReadAllBytes(blob);
            bytes[^5] ^= 0x01;
            File.WriteAllBytes(blob, bytes);
        }

        using var packed = await OciLayoutReader.OpenTarAsync(layout.PackAsTar(temp.Combine("image.tar")));
        await Assert.ThrowsAsync<DigestMismatchException>(() => packed.ExtractToAsync(root));
    }
}
