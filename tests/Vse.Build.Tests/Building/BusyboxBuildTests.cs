using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Steps;
using Vse.Build.Store;

namespace Vse.Build.Tests.Building;

/// <summary>Real builds of a busybox image: every step kind, and what the cache re-runs.</summary>
[Collection(BuildCollection.Name)]
public sealed class BusyboxBuildTests(BuildFixture fixture)
{
    private const string EveryStep = """
        vse: 1
        name: test/every-step
        os: {base: busybox}
        env: {GREETING: hello}
        files:
          - {copy: ./payload, to: /opt/payload, mode: "0750", owner: "nobody:nogroup"}
          - {copy: ./single.txt, to: /etc/single.txt}
          - {write: /etc/app.conf, content: "threads = 1\nlog=info\n# cache = on\n", mode: "0640"}
          - {edit: /etc/app.conf, set: {threads: "8", log: debug, cache: "off"}}
          - {edit: /etc/app.conf, replace: {pattern: "debug", with: "trace"}}
          - {edit: /etc/app.conf, append: "extra = yes"}
          - {mkdir: /scratch/deep/dir, mode: "1777"}
          - {link: /etc/app.conf, to: /etc/app-link.conf}
          - {link: /etc/single.txt, to: /etc/single-hard.txt, hard: true}
          - {write: /etc/motd, content: "bye\n"}
          - {delete: /etc/motd}
        build:
          - {id: compile, run: "echo $GREETING $STEP > /built.txt; ls /opt/payload >> /built.txt", env: {STEP: one}}
          - {run: "rm /etc/hostname"}
        """;

    private static readonly Dictionary<string, string> Payload = new()
    {
        ["payload/a.txt"] = "A",
        ["payload/sub/b.txt"] = "B",
        ["single.txt"] = "single",
    };

    [SkippableFact]
    public async Task Every_step_kind_changes_the_image_as_described()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        var resolved = fixture.Resolve("test/every-step", EveryStep, Payload);
        var result = await fixture.Builder.BuildAsync(resolved, noCache: false, progress: null, CancellationToken.None);
        var root = result.Rootfs;
        string Read(string path) => File.ReadAllText(Path.Combine(root, path.TrimStart('/')));

        Assert.Equal("A", Read("/opt/payload/a.txt"));
        Assert.Equal("B", Read("/opt/payload/sub/b.txt"));
        var payloadFile = Nodes.TryGetStatus(Path.Combine(root, "opt/payload/a.txt"))!;
        Assert.Equal((uint)65534, payloadFile.Uid);
        Assert.Equal((UnixFileMode)0b111_101_000, payloadFile.Mode);
        Assert.Equal("threads = 8\nlog=trace\n# cache = on\ncache = off\nextra = yes\n", Read("/etc/app.conf"));
        Assert.Equal((UnixFileMode)0b110_100_000, Nodes.TryGetStatus(Path.Combine(root, "etc/app.conf"))!.Mode);
        Assert.True(Nodes.TryGetStatus(Path.Combine(root, "scratch/deep/dir"))!.Mode.HasFlag(UnixFileMode.StickyBit));
        Assert.Equal("/etc/app.conf", new FileInfo(Path.Combine(root, "etc/app-link.conf")).LinkTarget);
        Assert.True(Nodes.TryGetStatus(Path.Combine(root, "etc/single.txt"))!.IsSameNodeAs(Nodes.TryGetStatus(Path.Combine(root, "etc/single-hard.txt"))!));
        Assert.False(File.Exists(Path.Combine(root, "etc/motd")));
        Assert.Equal("hello one\na.txt\nsub\n", Read("/built.txt"));
        Assert.False(File.Exists(Path.Combine(root, "etc/hostname")), "a file deleted by a run step is gone from the layer");
        Assert.Contains("\"name\":\"test/every-step\"", Read(MetadataStep.DescriptionPath));
        Assert.Contains("\"lockVersion\": 1", Read(MetadataStep.LockPath));
    }

    [SkippableFact]
    public async Task A_build_into_a_published_store_writes_each_layers_archive_readable_by_all_and_a_private_one_none()
    {
        Requirements.Root();
        var resolved = fixture.Resolve("test/published", "vse: 1\nname: test/published\nos: {base: busybox}\nfiles: [{write: /etc/motd, content: \"site\\n\", mode: \"0600\"}]\n");
        var published = new LayerStore(Path.Combine(fixture.Root, "published"), LayerStoreAccess.Published);
        var result = await new ImageBuilder(published, TimeProvider.System).BuildAsync(resolved, noCache: false, progress: null, CancellationToken.None);
        Assert.Equal(3, result.Layers.Count);
        foreach (var layer in result.Layers.SkipLast(1))
        {
            Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(published.ArchiveOf(layer.Key)));
        }

        // The metadata layer is its description's top, never a user's parent: no archive.
        Assert.False(File.Exists(published.ArchiveOf(result.TopLayerKey)));
        var top = published.ArchiveOf(result.Layers[^2].Key);
        using (var reader = new System.Formats.Tar.TarReader(File.OpenRead(top)))
        {
            var names = new List<string>();
            while (reader.GetNextEntry() is { } entry)
            {
                names.Add(entry.Name);
                if (entry.Name == "./etc/motd")
                {
                    Assert.Equal((UnixFileMode)0x180, entry.Mode);
                }
            }

            Assert.Contains("./bin/busybox", names);
            Assert.Contains("./etc/motd", names);
        }

        var ownResult = await fixture.Builder.BuildAsync(resolved, noCache: false, progress: null, CancellationToken.None);
        Assert.All(ownResult.Layers, layer => Assert.False(File.Exists(fixture.Store.ArchiveOf(layer.Key))));
    }

    [SkippableFact]
    public async Task A_no_op_rebuild_runs_nothing_and_a_changed_step_reruns_itself_and_what_follows()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        var first = await fixture.Builder.BuildAsync(fixture.Resolve("test/cache", EveryStep, Payload), false, null, CancellationToken.None);
        var again = await fixture.Builder.BuildAsync(fixture.Resolve("test/cache", EveryStep, Payload), false, null, CancellationToken.None);
        Assert.Equal(0, again.StepsRun);
        Assert.Equal(first.TopLayerKey, again.TopLayerKey);

        // The 10th files step changes: it, the step after it, both build steps and the metadata re-run.
        var changed = EveryStep.Replace("content: \"bye\\n\"", "content: \"later\\n\"", StringComparison.Ordinal);
        var rebuilt = await fixture.Builder.BuildAsync(fixture.Resolve("test/cache", changed, Payload), false, null, CancellationToken.None);
        Assert.Equal(5, rebuilt.StepsRun);
        Assert.Equal(first.Layers.Take(10).Select(l => l.Key), rebuilt.Layers.Take(10).Select(l => l.Key));

        // Changing a copied file's content (not the description) re-runs that copy step too.
        var payload = new Dictionary<string, string>(Payload) { ["payload/a.txt"] = "A2" };
        var recopied = await fixture.Builder.BuildAsync(fixture.Resolve("test/cache", EveryStep, payload), false, null, CancellationToken.None);
        Assert.Equal(recopied.Layers.Count - 1, recopied.StepsRun);
    }

    [SkippableFact]
    public async Task Layers_share_unchanged_files_and_a_later_step_never_changes_an_earlier_layer()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        var result = await fixture.Builder.BuildAsync(fixture.Resolve("test/sharing", """
            vse: 1
            name: test/sharing
            os: {base: busybox}
            files:
              - {write: /etc/shared.conf, content: "v1\n"}
              - {edit: /etc/shared.conf, append: "v2"}
            build:
              - {run: "echo v3 >> /etc/shared.conf; echo x >> /etc/passwd"}
            """), false, null, CancellationToken.None);
        var written = fixture.Store.RootfsOf(result.Layers[1].Key);
        var edited = fixture.Store.RootfsOf(result.Layers[2].Key);
        var ran = fixture.Store.RootfsOf(result.Layers[3].Key);
        Assert.Equal("v1\n", File.ReadAllText(Path.Combine(written, "etc/shared.conf")));
        Assert.Equal("v1\nv2\n", File.ReadAllText(Path.Combine(edited, "etc/shared.conf")));
        Assert.Equal("v1\nv2\nv3\n", File.ReadAllText(Path.Combine(ran, "etc/shared.conf")));
        Assert.DoesNotContain("x\n", File.ReadAllText(Path.Combine(edited, "etc/passwd")));
        var busybox = Nodes.TryGetStatus(Path.Combine(ran, "bin/busybox"))!;
        Assert.True(busybox.IsSameNodeAs(Nodes.TryGetStatus(Path.Combine(fixture.Store.RootfsOf(result.Layers[0].Key), "bin/busybox"))!));
    }

    [SkippableFact]
    public async Task A_run_step_leaves_no_overlayfs_xattr_in_its_layer_and_keeps_deletions()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        // A copy-up (the append: overlayfs marks it trusted.overlay.origin), a deleted file (a
        // whiteout) and a directory made again after its removal (opaque): the layer is a plain tree.
        var result = await fixture.Builder.BuildAsync(fixture.Resolve("test/overlay-xattrs", """
            vse: 1
            name: test/overlay-xattrs
            os: {base: busybox}
            files:
              - {write: /srv/old/a, content: "a\n"}
              - {write: /srv/gone, content: "g\n"}
            build:
              - {run: "echo more >> /etc/passwd; rm /srv/gone; rm -r /srv/old; mkdir /srv/old; echo b > /srv/old/b"}
            """), false, null, CancellationToken.None);
        var ran = fixture.Store.RootfsOf(result.Layers[^2].Key);
        Assert.EndsWith("more\n", File.ReadAllText(Path.Combine(ran, "etc/passwd")));
        Assert.False(File.Exists(Path.Combine(ran, "srv/gone")));
        Assert.Equal(["b"], Directory.EnumerateFileSystemEntries(Path.Combine(ran, "srv/old")).Select(Path.GetFileName));
        var overlayAttributes = TreeWalker.Walk(ran, FileSystemBoundary.Stay, CancellationToken.None)
            .SelectMany(entry => ExtendedAttributes.Names(entry.HostPath).Select(name => entry.RelativePath + " " + name))
            .Where(attribute => attribute.Contains(".overlay.", StringComparison.Ordinal));
        Assert.Empty(overlayAttributes);
    }

    [SkippableFact]
    public async Task A_failing_build_step_fails_the_build_with_the_step_named_and_stores_nothing_for_it()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        var resolved = fixture.Resolve("test/failing", """
            vse: 1
            name: test/failing
            os: {base: busybox}
            build:
              - {run: "echo about to fail; exit 7"}
            """);
        var error = await Assert.ThrowsAsync<StepFailedException>(() => fixture.Builder.BuildAsync(resolved, false, null, CancellationToken.None));
        Assert.Contains("step 2/3 'run echo about to fail; exit 7'", error.Message);
        Assert.Contains("exit code 7", error.Message);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(fixture.Store.TemporaryDirectory), e => !Path.GetFileName(e).StartsWith("busybox", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task The_busybox_binary_is_hashed_once_and_its_remembered_digest_keys_the_base()
    {
        Requirements.Root();
        Skip.IfNot(File.Exists("/bin/busybox"), "the host has no /bin/busybox (busybox-static): the base fetches one per build, which is never remembered");
        const string Yaml = """
            vse: 1
            name: test/remembered-busybox
            os: {base: busybox}
            files: [{write: /etc/remembered, content: "yes\n"}]
            """;
        var first = await fixture.Builder.BuildAsync(fixture.Resolve("test/remembered-busybox", Yaml), noCache: false, progress: null, CancellationToken.None);
        var binary = Nodes.TryGetStatus("/bin/busybox", followSymlink: true)!;
        var entry = Path.Combine(fixture.Store.FileDigests.Directory, $"{binary.FileSystemDevice:x}-{binary.Inode:x}");
        var digest = await Vse.Build.Digests.ContentDigest.OfFileAsync("/bin/busybox");
        Assert.EndsWith($" {digest} /bin/busybox\n", await File.ReadAllTextAsync(entry));  // FORMAT SIZE MTIME CTIME DIGEST PATH
        Assert.Contains($"\"busybox:{digest}\"", await File.ReadAllTextAsync(Path.Combine(first.Rootfs, MetadataStep.LockPath.TrimStart('/'))));

        // The next build takes the digest from the entry, not from the binary: a forged one gives another base.
        var forged = (await File.ReadAllTextAsync(entry)).Replace(digest, "sha256:" + new string('0', 64), StringComparison.Ordinal);
        await File.WriteAllTextAsync(entry, forged);
        // The build memo would give the first build again without asking for the digest (BuildMemoTests).
        TreeDeleter.Delete(fixture.Store.BuildMemo.Directory);
        var fromForged = await fixture.Builder.BuildAsync(fixture.Resolve("test/remembered-busybox", Yaml), noCache: false, progress: null, CancellationToken.None);
        Assert.NotEqual(first.Layers[0].Key, fromForged.Layers[0].Key);

        File.Delete(entry);
        TreeDeleter.Delete(fixture.Store.BuildMemo.Directory);
        var again = await fixture.Builder.BuildAsync(fixture.Resolve("test/remembered-busybox", Yaml), noCache: false, progress: null, CancellationToken.None);
        Assert.Equal(first.TopLayerKey, again.TopLayerKey);
        Assert.All(again.Layers, layer => Assert.True(layer.Cached));
    }
}
