using System.Text.Json;
using Vse.Build.Locks;
using Vse.Build.Reproducible;
using Vse.Build.Steps;
using Vse.Build.Store;
using Vse.Build.FileSystem;

namespace Vse.Build.Tests.Building;

/// <summary>
/// A Debian description (minbase, a <c>packages</c> step, a <c>run</c> step that adds a user)
/// rebuilt without cache gives the same layers, node for node, and its lock file pins a rebuild. The first build
/// shares the collection's store, so its base is the one <see cref="DebianBuildTests"/> builds
/// (same suite, variant and mirror: one key); the uncached rebuild makes the one other base.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class DebianReproducibleTests(BuildFixture fixture)
{
    private const string Description = """
        vse: 1
        name: test/debian-repro
        os: {base: "debian:bookworm", variant: minbase}
        packages: [hello]
        build:
          - {run: "useradd -m alice && hello > /hello.out"}
        """;

    [SkippableFact]
    public async Task Two_builds_without_cache_give_the_same_layer_keys_and_trees()
    {
        RequireDebianBuilds();
        var resolved = fixture.Resolve("test/debian-repro", Description);

        var first = await fixture.Builder.BuildAsync(resolved, false, null, CancellationToken.None);
        var otherStore = new LayerStore(Path.Combine(fixture.Root, "repro-store-" + Guid.NewGuid().ToString("N")[..8]));
        var second = await new ImageBuilder(otherStore, TimeProvider.System).BuildAsync(resolved, true, null, CancellationToken.None);

        Assert.Equal(first.Layers.Select(l => l.Key), second.Layers.Select(l => l.Key));
        Assert.Equal(second.Layers.Count, second.StepsRun);
        var contents = new Dictionary<(ulong Device, ulong Inode), string>();
        TreeManifest? firstParent = null, secondParent = null;
        foreach (var layer in first.Layers)
        {
            var a = await TreeManifest.ReadAsync(fixture.Store.RootfsOf(layer.Key), contents, CancellationToken.None);
            var b = await TreeManifest.ReadAsync(otherStore.RootfsOf(layer.Key), contents, CancellationToken.None);
            var differing = LayerComparison.DifferencesMadeBy(firstParent, secondParent, a, b);
            Assert.True(differing.Count == 0, $"'{layer.Title}' differs in {string.Join(", ", differing)}");
            (firstParent, secondParent) = (a, b);
        }

        // Not compared here: the two tar exports. From two fresh homes through the CLI they are
        // the same bytes (bench/RESULTS.md), but in these two stores they differed once though
        // every node's manifest agreed (docs/build.md, Debian bases: not explained yet).

        // What used to differ, at its source: the clock (shadow's last-change day), the building host, dpkg's log.
        var rootfs = second.Rootfs;
        Assert.Contains($"\nalice:!:{ReproducibleTree.Epoch / 86400}:", File.ReadAllText(Path.Combine(rootfs, "etc/shadow")));
        Assert.Equal("vse\n", File.ReadAllText(Path.Combine(rootfs, "etc/hostname")));
        Assert.False(File.Exists(Path.Combine(rootfs, "etc/resolv.conf")), "the building host's resolver stays out of the base");
        Assert.Equal(0, new FileInfo(Path.Combine(rootfs, "var/log/dpkg.log")).Length);
        Assert.Equal("Hello, world!\n", File.ReadAllText(Path.Combine(rootfs, "hello.out")));
    }

    [SkippableFact]
    public async Task The_lock_file_names_every_installed_package_and_every_layer_and_pins_a_rebuild()
    {
        RequireDebianBuilds();
        var resolved = fixture.Resolve("test/debian-repro", Description);
        var built = await fixture.Builder.BuildAsync(resolved, false, null, CancellationToken.None);
        var lockPath = Path.Combine(built.Rootfs, MetadataStep.LockPath.TrimStart('/'));
        var lockFile = LockFile.Parse(File.ReadAllText(lockPath));

        var installed = await InstalledPackages.ReadAsync(new ImageRoot(built.Rootfs), CancellationToken.None);
        Assert.Contains("hello", installed.Keys);
        Assert.Equal(installed.ToList(), lockFile.Packages.OrderBy(p => p.Key, StringComparer.Ordinal).ToList());
        // Every layer below the metadata one, whose key the lock cannot hold (the lock is in it).
        Assert.Equal(built.Layers.SkipLast(1).Select(l => (l.Title, l.Key)).ToList(), lockFile.Layers.ToList());

        // A version the archive lacks: the step fails naming it, and nothing is installed.
        var missing = WriteLock("missing.json", lockPath, "hello", "0.0~missing");
        var failure = await Assert.ThrowsAsync<StepFailedException>(() => fixture.Builder.BuildAsync(
            resolved, Vse.Description.Model.RuntimeModel.From(resolved), false, null, CancellationToken.None, PackagePins.Read(missing, resolved)));
        Assert.Contains("the archive has not these locked versions: hello=0.0~missing", failure.Message);

        // The lock as written: the pinned build installs exactly those versions.
        var pinned = await fixture.Builder.BuildAsync(
            resolved, Vse.Description.Model.RuntimeModel.From(resolved), false, null, CancellationToken.None, PackagePins.Read(lockPath, resolved));
        Assert.NotEqual(built.TopLayerKey, pinned.TopLayerKey);
        Assert.Equal(installed.ToList(), (await InstalledPackages.ReadAsync(new ImageRoot(pinned.Rootfs), CancellationToken.None)).ToList());
    }

    private string WriteLock(string name, string lockPath, string package, string version)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(lockPath))!;
        node["packages"]![package] = version;
        var path = Path.Combine(fixture.Root, name);
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private static void RequireDebianBuilds()
    {
        Requirements.Root();
        Requirements.Tool("mmdebstrap");
        Requirements.Tool("bwrap");
    }
}
