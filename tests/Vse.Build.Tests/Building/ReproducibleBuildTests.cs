using Vse.Build.Digests;
using Vse.Build.Exports;
using Vse.Build.Reproducible;
using Vse.Build.Store;
using Vse.Build.Tests.Exports;
using Vse.Description;
using Vse.Description.Layers;
using Vse.Testing;

namespace Vse.Build.Tests.Building;

/// <summary>
/// Issue 16 item 2: two --no-cache builds of one description, in two stores (as on two
/// machines), give the same layers and byte-identical exports in every format.
/// </summary>
public sealed class ReproducibleBuildTests : IDisposable
{
    private const string Description = """
        vse: 1
        name: test/reproducible
        os: {base: busybox}
        env: {GREETING: hello}
        files:
          - {copy: ./payload, to: /opt/payload}
          - {write: /etc/app.conf, content: "threads = 4\n", mode: "0640"}
          - {mkdir: /var/app, mode: "0750"}
          - {link: /etc/app.conf, to: /etc/app-link.conf}
        build:
          - {run: "echo $GREETING > /var/app/greeting; mkdir -p /srv/built && cp /opt/payload/a.txt /srv/built/"}
        """;

    private readonly TempDirectory temp = new();

    [SkippableFact]
    public async Task Two_no_cache_builds_give_the_same_layers_and_identical_bytes_in_every_export_format()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        foreach (var tool in new[] { "mksquashfs", "mkfs.ext4", "debugfs", "qemu-img" })
        {
            Requirements.Tool(tool);
        }

        var resolved = Resolve();
        var first = await BuildAsync(resolved, "store-a");
        var second = await BuildAsync(resolved, "store-b");

        Assert.Equal(first.Result.Layers.Select(l => l.Key), second.Result.Layers.Select(l => l.Key));
        for (var i = 0; i < first.Result.Layers.Count; i++)
        {
            var key = first.Result.Layers[i].Key;
            Assert.Equal(
                await ContentDigest.OfTreeAsync(first.Store.RootfsOf(key)),
                await ContentDigest.OfTreeAsync(second.Store.RootfsOf(key)));
        }

        var config = new ExportedImageConfig(resolved.Name, resolved.Digest, new Dictionary<string, string>(), ["/bin/sh"], null);
        foreach (var format in new[] { ExportFormat.Tar, ExportFormat.Oci, ExportFormat.Squashfs, ExportFormat.Ext4, ExportFormat.Qcow2, ExportFormat.Dir })
        {
            var one = temp.Combine($"a.{format}");
            var two = temp.Combine($"b.{format}");
            await ImageExporter.ExportAsync(first.Result.Rootfs, config, new ExportTarget(format, one), CancellationToken.None);
            await ImageExporter.ExportAsync(second.Result.Rootfs, config, new ExportTarget(format, two), CancellationToken.None);
            if (format == ExportFormat.Dir)
            {
                TreeSnapshot.Take(two).AssertSameAs(TreeSnapshot.Take(one));
            }
            else
            {
                AssertSameBytes(format, one, two);
            }
        }

        // The times in the image are the epoch, not the build's.
        Assert.Equal(ReproducibleTree.EpochTime.UtcDateTime, File.GetLastWriteTimeUtc(Path.Combine(first.Result.Rootfs, "var/app/greeting")));
    }

    public void Dispose() => temp.Dispose();

    private static void AssertSameBytes(ExportFormat format, string one, string two)
    {
        var files = Directory.Exists(one)
            ? Directory.EnumerateFiles(one, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(one, f)).Order(StringComparer.Ordinal).ToList()
            : [""];
        if (Directory.Exists(one))
        {
            Assert.Equal(files, Directory.EnumerateFiles(two, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(two, f)).Order(StringComparer.Ordinal));
        }

        foreach (var file in files)
        {
            var a = file.Length == 0 ? one : Path.Combine(one, file);
            var b = file.Length == 0 ? two : Path.Combine(two, file);
            Assert.True(File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)), $"{format} export: {file} differs between the two builds");
        }
    }

    private async Task<(LayerStore Store, BuildResult Result)> BuildAsync(ResolvedDescription resolved, string storeName)
    {
        var store = new LayerStore(temp.Combine(storeName));
        var result = await new ImageBuilder(store, TimeProvider.System).BuildAsync(resolved, noCache: true, progress: null, CancellationToken.None);
        return (store, result);
    }

    private ResolvedDescription Resolve()
    {
        temp.WriteFile("description/payload/a.txt", "A");
        temp.WriteFile("description/payload/sub/b.txt", "B");
        var file = temp.WriteFile("description/description.vse.yaml", Description);
        var options = new ResolveOptions(new SearchPath([], temp.Combine("no-site"), null), new Dictionary<string, string>());
        var result = DescriptionResolver.Resolve(file, options);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }
}
