using System.Text;
using System.Text.Json.Nodes;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Images;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Images;

public sealed class DockerArchiveReaderTests : IDisposable
{
    private const string BaseLayerId = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string AppLayerId = "2222222222222222222222222222222222222222222222222222222222222222";
    private const string SharedLayerId = "3333333333333333333333333333333333333333333333333333333333333333";

    private static readonly byte[] BaseLayer = new TarBuilder().Directory("etc/").File("etc/motd", "base").File("bin/sh", "sh").ToArray();
    private static readonly byte[] AppLayer = new TarBuilder().File("etc/.wh.motd", "").File("app/main", "main").ToArray();

    private readonly TempDirectory temp = new();
    private readonly ImageRoot root;

    public DockerArchiveReaderTests()
    {
        root = new ImageRoot(temp.CreateDirectory("rootfs"));
    }

    public void Dispose() => temp.Dispose();

    private static byte[] Config(params byte[][] layers) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["architecture"] = "amd64",
        ["os"] = "linux",
        ["config"] = new JsonObject
        {
            ["Env"] = new JsonArray("PATH=/bin"),
            ["Cmd"] = new JsonArray("/app/main"),
            ["WorkingDir"] = "/app",
        },
        ["rootfs"] = new JsonObject
        {
            ["type"] = "layers",
            ["diff_ids"] = new JsonArray(layers.Select(layer => (JsonNode)OciLayoutBuilder.DigestOf(layer)).ToArray()),
        },
    }.ToJsonString());

    private static string Hex(byte[] content) => OciLayoutBuilder.DigestOf(content)["sha256:".Length..];

    /// <summary>
    /// The classic `docker save` of two images: app:1 (base + app layer) and base:1, whose
    /// layer.tar is a symlink to the shared copy, as docker writes it.
    /// </summary>
    private string ClassicArchive(byte[]? appLayerOnDisk = null, byte[]? appConfigOnDisk = null)
    {
        var appConfig = Config(BaseLayer, AppLayer);
        var baseConfig = Config(BaseLayer);
        var manifest = new JsonArray(
            new JsonObject
            {
                ["Config"] = Hex(appConfig) + ".json",
                ["RepoTags"] = new JsonArray("app:1"),
                ["Layers"] = new JsonArray($"{BaseLayerId}/layer.tar", $"{AppLayerId}/layer.tar"),
            },
            new JsonObject
            {
                ["Config"] = Hex(baseConfig) + ".json",
                ["RepoTags"] = new JsonArray("base:1"),
                ["Layers"] = new JsonArray($"{SharedLayerId}/layer.tar"),
            });
        var tar = new TarBuilder()
            .File(Hex(appConfig) + ".json", appConfigOnDisk ?? appConfig)
            .File(Hex(baseConfig) + ".json", baseConfig)
            .File($"{BaseLayerId}/layer.tar", BaseLayer)
            .File($"{AppLayerId}/layer.tar", appLayerOnDisk ?? AppLayer)
            .Symlink($"{SharedLayerId}/layer.tar", $"../{BaseLayerId}/layer.tar")
            .File("manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        var path = temp.Combine("docker.tar");
        File.WriteAllBytes(path, tar.ToArray());
        return path;
    }

    [Fact]
    public async Task A_docker_save_tarball_yields_its_config_and_layers_in_order()
    {
        using var image = await DockerArchiveReader.OpenAsync(ClassicArchive(), "app:1");
        var results = await image.ExtractToAsync(root);

        Assert.Equal(ImageArchiveFormat.DockerArchive, image.Format);
        Assert.Equal(["PATH=/bin"], image.Config.Env);
        Assert.Equal(["/app/main"], image.Config.Cmd);
        Assert.Equal("/app", image.Config.WorkingDir);
        Assert.Equal(OciLayoutBuilder.DigestOf(Config(BaseLayer, AppLayer)), image.ConfigDigest);
        Assert.Equal([$"{BaseLayerId}/layer.tar", $"{AppLayerId}/layer.tar"], image.Layers.Select(layer => layer.Path));
        Assert.Equal(2, results.Count);
        Assert.Equal("sh", File.ReadAllText(root.HostPath + "/bin/sh"));
        Assert.False(File.Exists(root.HostPath + "/etc/motd"));
        Assert.Equal("main", File.ReadAllText(root.HostPath + "/app/main"));
    }

    [Fact]
    public async Task A_layer_stored_as_a_symlink_to_a_shared_copy_is_read_through_it()
    {
        using var image = await DockerArchiveReader.OpenAsync(ClassicArchive(), "base:1");
        await image.ExtractToAsync(root);
        Assert.Equal("base", File.ReadAllText(root.HostPath + "/etc/motd"));
    }

    [Fact]
    public async Task Several_images_need_a_tag()
    {
        var problem = await Assert.ThrowsAsync<InvalidImageArchiveException>(() => DockerArchiveReader.OpenAsync(ClassicArchive()));
        Assert.Contains("app:1, base:1", problem.Message);
        await Assert.ThrowsAsync<InvalidImageArchiveException>(() => DockerArchiveReader.OpenAsync(ClassicArchive(), "other:1"));
    }

    [Fact]
    public async Task A_layer_that_does_not_match_its_diff_id_is_refused()
    {
        var tampered = new TarBuilder().File("etc/.wh.motd", "").File("app/main", "evil").ToArray();
        using var image = await DockerArchiveReader.OpenAsync(ClassicArchive(appLayerOnDisk: tampered), "app:1");

        var problem = await Assert.ThrowsAsync<DigestMismatchException>(() => image.OpenLayerAsync(image.Layers[1]));
        Assert.Equal(OciLayoutBuilder.DigestOf(AppLayer), problem.Expected);
    }

    [Fact]
    public async Task A_gzip_layer_is_checked_against_the_diff_id_of_its_content()
    {
        using (var image = await DockerArchiveReader.OpenAsync(ClassicArchive(appLayerOnDisk: TarBuilder.Gzip(AppLayer)), "app:1"))
        {
            await image.ExtractToAsync(root);
        }

        Assert.Equal("main", File.ReadAllText(root.HostPath + "/app/main"));
    }

    [Fact]
    public async Task A_config_that_does_not_match_its_name_is_refused()
    {
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Config(BaseLayer, AppLayer)).Replace("/app/main", "/bin/evil"));
        await Assert.ThrowsAsync<DigestMismatchException>(
            () => DockerArchiveReader.OpenAsync(ClassicArchive(appConfigOnDisk: tampered), "app:1"));
    }

    [Fact]
    public async Task A_layer_path_that_climbs_out_of_the_archive_is_missing_not_read()
    {
        var config = Config(BaseLayer);
        var manifest = new JsonArray(new JsonObject
        {
            ["Config"] = "config.json",
            ["Layers"] = new JsonArray("../../../etc/passwd"),
        });
        var path = temp.Combine("evil.tar");
        File.WriteAllBytes(path, new TarBuilder()
            .File("config.json", config)
            .File("manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()))
            .ToArray());

        var problem = await Assert.ThrowsAsync<InvalidImageArchiveException>(() => DockerArchiveReader.OpenAsync(path));
        Assert.Contains("'../../../etc/passwd' is missing", problem.Message);
    }

    [Fact]
    public async Task The_docker_25_layout_is_verified_by_blob_digest()
    {
        var config = Config(BaseLayer);
        var manifest = new JsonArray(new JsonObject
        {
            ["Config"] = "blobs/sha256/" + Hex(config),
            ["RepoTags"] = new JsonArray("base:1"),
            ["Layers"] = new JsonArray("blobs/sha256/" + Hex(BaseLayer)),
        });
        var path = temp.Combine("docker25.tar");
        File.WriteAllBytes(path, new TarBuilder()
            .File("blobs/sha256/" + Hex(config), config)
            .File("blobs/sha256/" + Hex(BaseLayer), BaseLayer)
            .File("manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()))
            .ToArray());

        using var image = await DockerArchiveReader.OpenAsync(path);
        Assert.Equal(OciLayoutBuilder.DigestOf(BaseLayer), image.Layers[0].Digest);
        await image.ExtractToAsync(root);
        Assert.Equal("base", File.ReadAllText(root.HostPath + "/etc/motd"));
    }

    [Fact]
    public async Task Layers_and_diff_ids_must_agree_in_number()
    {
        var config = Config(BaseLayer, AppLayer);
        var manifest = new JsonArray(new JsonObject { ["Config"] = "c.json", ["Layers"] = new JsonArray("l.tar") });
        var path = temp.Combine("bad.tar");
        File.WriteAllBytes(path, new TarBuilder()
            .File("c.json", config).File("l.tar", BaseLayer)
            .File("manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString())).ToArray());
        var problem = await Assert.ThrowsAsync<InvalidImageArchiveException>(() => DockerArchiveReader.OpenAsync(path));
        Assert.Contains("1 layers but the image config has 2 diff IDs", problem.Message);
    }

    [Fact]
    public async Task The_opener_recognizes_every_format()
    {
        var docker = ClassicArchive();
        using (var image = await ImageArchiveOpener.OpenAsync(docker, reference: "base:1"))
        {
            Assert.Equal(ImageArchiveFormat.DockerArchive, image.Format);
        }

        var layout = new OciLayoutBuilder(temp.CreateDirectory("layout"));
        layout.WriteIndex(layout.AddImage([(BaseLayer, true)]));
        using (var image = await ImageArchiveOpener.OpenAsync(layout.Directory))
        {
            Assert.Equal(ImageArchiveFormat.OciLayout, image.Format);
        }

        using (var image = await ImageArchiveOpener.OpenAsync(layout.PackAsTar(temp.Combine("oci.tar.gz"), gzip: true)))
        {
            Assert.Equal(ImageArchiveFormat.OciArchive, image.Format);
            await image.ExtractToAsync(root);
        }

        Assert.Equal("base", File.ReadAllText(root.HostPath + "/etc/motd"));

        var neither = temp.Combine("neither.tar");
        File.WriteAllBytes(neither, new TarBuilder().File("x", "x").ToArray());
        await Assert.ThrowsAsync<InvalidImageArchiveException>(() => ImageArchiveOpener.OpenAsync(neither));

        var notTar = temp.WriteFile("not.tar", new string('x', 600));
        await Assert.ThrowsAsync<InvalidImageArchiveException>(() => ImageArchiveOpener.OpenAsync(notTar));
    }

    [Fact]
    public async Task A_gzip_archive_leaves_no_temporary_copy_behind()
    {
        var gzipped = temp.Combine("docker.tar.gz");
        File.WriteAllBytes(gzipped, TarBuilder.Gzip(File.ReadAllBytes(ClassicArchive())));
        var before = Directory.GetFiles(Path.GetTempPath(), "vse-archive-*").Length;

        using (var image = await ImageArchiveOpener.OpenAsync(gzipped, reference: "app:1"))
        {
            Assert.Equal(2, image.Layers.Count);
        }

        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "vse-archive-*").Length);
    }
}
