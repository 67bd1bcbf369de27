using System.Formats.Tar;
using Vse.Build.Store;
using Vse.Description;

namespace Vse.Build.Tests.Building;

/// <summary>
/// The build memo (<see cref="BuildMemo"/>): a repeated build of an unchanged description gives
/// the earlier result without computing a layer key, and anything it depended on changing, or
/// anything wrong with the entry, gives a full build.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class BuildMemoTests(BuildFixture fixture)
{
    [SkippableFact]
    public async Task A_repeated_build_is_remembered_and_gives_what_the_full_build_gave_without_looking_at_the_base()
    {
        Requirements.Root();
        var resolved = fixture.Resolve("test/memo-hit", Busybox("test/memo-hit", "hit"));
        var first = await BuildAsync(resolved);
        Assert.NotEmpty(Directory.GetFiles(fixture.Store.BuildMemo.Directory));

        // The full path stats and digests /bin/busybox through this cache, writing it again; a memo hit never asks.
        Vse.Host.FileSystem.TreeDeleter.Delete(fixture.Store.FileDigests.Directory);
        var again = await BuildAsync(resolved);

        Assert.False(Directory.Exists(fixture.Store.FileDigests.Directory), "the remembered build computed the base's identity");
        AssertSame(first, again);
        Assert.Equal(0, again.StepsRun);
    }

    [SkippableFact]
    public async Task A_layer_removed_from_the_store_as_gc_does_is_built_again_not_taken_from_the_memo()
    {
        Requirements.Root();
        var resolved = fixture.Resolve("test/memo-gc", Busybox("test/memo-gc", "gc"));
        var first = await BuildAsync(resolved);
        var removed = first.Layers[1].Key;
        fixture.Store.Delete(removed);

        var again = await BuildAsync(resolved);

        Assert.True(fixture.Store.Contains(removed));
        Assert.Equal(1, again.StepsRun);
        Assert.Equal(first.Layers.Select(l => l.Key), again.Layers.Select(l => l.Key));
        Assert.Equal("gc\n", File.ReadAllText(Path.Combine(again.Rootfs, "etc/memo")));
    }

    [SkippableFact]
    public async Task A_changed_step_is_a_miss()
    {
        Requirements.Root();
        var first = await BuildAsync(fixture.Resolve("test/memo-step", Busybox("test/memo-step", "before")));
        var changed = await BuildAsync(fixture.Resolve("test/memo-step", Busybox("test/memo-step", "after")));

        Assert.NotEqual(first.TopLayerKey, changed.TopLayerKey);
        Assert.Equal("after\n", File.ReadAllText(Path.Combine(changed.Rootfs, "etc/memo")));
    }

    [SkippableFact]
    public async Task A_base_file_replaced_by_another_is_a_miss()
    {
        Requirements.Root();
        var directory = Path.Combine(fixture.Root, "memo-base");
        Directory.CreateDirectory(directory);
        var archive = Path.Combine(directory, "base.tar");
        await WriteBaseAsync(archive, "one");
        var resolved = fixture.Resolve("test/memo-base", $"vse: 1\nname: test/memo-base\nos: {{base: \"tar:{archive}\"}}\nfiles: [{{write: /etc/memo, content: \"x\\n\"}}]\n");
        var first = await BuildAsync(resolved);
        Assert.Equal("one", File.ReadAllText(Path.Combine(first.Rootfs, "origin")));
        Assert.Equal(first.TopLayerKey, (await BuildAsync(resolved)).TopLayerKey);

        await WriteBaseAsync(archive, "two");
        var replaced = await BuildAsync(resolved);

        Assert.NotEqual(first.Layers[0].Key, replaced.Layers[0].Key);
        Assert.Equal("two", File.ReadAllText(Path.Combine(replaced.Rootfs, "origin")));
    }

    [SkippableFact]
    public async Task A_damaged_or_hostile_memo_entry_is_ignored_and_written_again()
    {
        Requirements.Root();
        var resolved = fixture.Resolve("test/memo-damaged", Busybox("test/memo-damaged", "damaged"));
        var first = await BuildAsync(resolved);
        var entries = Directory.GetFiles(fixture.Store.BuildMemo.Directory);
        var entry = entries.Single(e => File.ReadAllText(e).Contains("test/memo-damaged", StringComparison.Ordinal));
        var whole = File.ReadAllBytes(entry);

        foreach (var damage in new[] { whole[..(whole.Length / 2)], "garbage"u8.ToArray(), [], Hostile(whole, first) })
        {
            File.WriteAllBytes(entry, damage);
            AssertSame(first, await BuildAsync(resolved));
            Assert.Equal(whole, File.ReadAllBytes(entry));
        }
    }

    [SkippableFact]
    public async Task Gc_removes_the_entries_naming_a_removed_layer_or_a_changed_base_file_and_keeps_the_rest()
    {
        Requirements.Root();
        var kept = fixture.Resolve("test/memo-prune-kept", Busybox("test/memo-prune-kept", "kept"));
        var layerGone = fixture.Resolve("test/memo-prune-layer", Busybox("test/memo-prune-layer", "layer"));
        var directory = Path.Combine(fixture.Root, "memo-prune");
        Directory.CreateDirectory(directory);
        var archive = Path.Combine(directory, "base.tar");
        await WriteBaseAsync(archive, "one");
        var baseChanged = fixture.Resolve("test/memo-prune-base", $"vse: 1\nname: test/memo-prune-base\nos: {{base: \"tar:{archive}\"}}\n");
        await BuildAsync(kept);
        fixture.Store.Delete((await BuildAsync(layerGone)).Layers[^1].Key);
        await BuildAsync(baseChanged);
        string EntryOf(string name) => Directory.GetFiles(fixture.Store.BuildMemo.Directory).Single(e => File.ReadAllText(e).Contains(name, StringComparison.Ordinal));
        var entries = new[] { "test/memo-prune-kept", "test/memo-prune-layer", "test/memo-prune-base" }.Select(EntryOf).ToList();
        await WriteBaseAsync(archive, "two");

        // Other tests' entries share the store: only these three are looked at.
        fixture.Store.BuildMemo.Prune(LayerChain.Single(fixture.Store), CancellationToken.None);

        Assert.Equal([true, false, false], entries.Select(File.Exists));
    }

    [Theory]
    [InlineData("debian:bookworm")]
    [InlineData("docker://registry.invalid/app:latest")]
    [InlineData("rootfs:./tree")]
    [InlineData("oci-archive:./layout")]
    public void A_base_whose_content_is_not_one_local_file_is_never_remembered(string baseText)
    {
        var directory = Path.Combine(fixture.Root, "descriptions", "test-memo-never");
        Directory.CreateDirectory(Path.Combine(directory, "tree"));
        Directory.CreateDirectory(Path.Combine(directory, "layout"));
        var resolved = fixture.Resolve("test/memo-never", $"vse: 1\nname: test/memo-never\nos: {{base: \"{baseText}\"}}\n");

        Assert.Null(RequestOf(resolved));
    }

    [SkippableFact]
    public async Task Scratch_busybox_and_archive_files_are_remembered_but_not_a_file_changed_just_now_nor_a_captured_layer()
    {
        Assert.False(RequestOf(fixture.Resolve("test/memo-scratch", "vse: 1\nname: test/memo-scratch\nos: {base: scratch}\n"))!.Racy);
        Skip.IfNot(File.Exists(Vse.Build.Bases.BusyboxBase.HostBinary), "the host has no /bin/busybox");
        Assert.NotNull(RequestOf(fixture.Resolve("test/memo-busybox", Busybox("test/memo-busybox", "x"))));
        var archive = Path.Combine(fixture.Root, "memo-racy.tar");
        await File.WriteAllBytesAsync(archive, new byte[1024]);
        Assert.True(RequestOf(fixture.Resolve("test/memo-racy", $"vse: 1\nname: test/memo-racy\nos: {{base: \"tar:{archive}\"}}\n"))!.Racy);

        var captured = fixture.Resolve("test/memo-captured",
            "vse: 1\nname: test/memo-captured\nos: {base: busybox}\nfiles: [{layer: ./changes.tar, digest: \"sha256:" + new string('0', 64) + "\"}]\n");
        Assert.Null(BuildMemo.RequestOf(captured, BuildPlanner.Plan(captured, fixture.Store.TemporaryDirectory), LayerChain.Single(fixture.Store), DateTimeOffset.UtcNow));
    }

    private MemoRequest? RequestOf(ResolvedDescription resolved) =>
        BuildMemo.RequestOf(resolved, BuildPlanner.Plan(resolved, fixture.Store.TemporaryDirectory), LayerChain.Single(fixture.Store), DateTimeOffset.UtcNow);

    /// <summary>The entry with its first layer's key replaced by a path that climbs out of the store.</summary>
    private static byte[] Hostile(byte[] entry, BuildResult built)
    {
        var key = System.Text.Encoding.UTF8.GetBytes(built.Layers[0].Key);
        var climb = System.Text.Encoding.UTF8.GetBytes("../../../../../../../../../../../../../../../../../../../../../etc"[..key.Length]);
        var at = entry.AsSpan().IndexOf(key);
        Assert.True(at > 0);
        var copy = entry.ToArray();
        climb.CopyTo(copy, at);
        return copy;
    }

    private Task<BuildResult> BuildAsync(ResolvedDescription resolved) =>
        fixture.Builder.BuildAsync(resolved, noCache: false, progress: null, CancellationToken.None);

    private static string Busybox(string name, string content) =>
        $"vse: 1\nname: {name}\nos: {{base: busybox}}\nfiles: [{{write: /etc/memo, content: \"{content}\\n\"}}]\n";

    private static void AssertSame(BuildResult expected, BuildResult actual)
    {
        Assert.Equal(expected.TopLayerKey, actual.TopLayerKey);
        Assert.Equal(expected.Rootfs, actual.Rootfs);
        Assert.Equal(expected.Layers.Select(l => (l.Title, l.Key)), actual.Layers.Select(l => (l.Title, l.Key)));
        Assert.All(actual.Layers, l => Assert.True(l.Cached));
        Assert.Equal(expected.DescriptionJson, actual.DescriptionJson);
        Assert.Equal(expected.LockJson, actual.LockJson);
    }

    /// <summary>
    /// A one-file tar base, written beside and renamed over <paramref name="archive"/> (a new
    /// inode), then left older than the racy window, which keeps a just-changed base from being remembered.
    /// </summary>
    private static async Task WriteBaseAsync(string archive, string origin)
    {
        var source = Path.Combine(Path.GetDirectoryName(archive)!, "source-" + origin);
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "origin"), origin);
        var staged = archive + ".new";
        await TarFile.CreateFromDirectoryAsync(source, staged, includeBaseDirectory: false);
        File.Move(staged, archive, overwrite: true);
        await Task.Delay(Vse.Host.FileSystem.FileDigestCache.DefaultRacyWindow * 2);
    }
}
