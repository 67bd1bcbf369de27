using Vse.Build.Registry;
using Vse.Build.Store;
using Vse.Testing;

namespace Vse.Build.Tests.Registry;

/// <summary>
/// The store's cache of pushed layer blobs: an entry is found by (key, parent key) only, a blob
/// whose size disagrees with its record is not used, a second add keeps the first entry, and
/// collection removes exactly the entries whose layer or parent is gone (and what vse did not
/// put there). The integration twin is RegistryTests (a second push makes no blob again).
/// </summary>
public sealed class LayerBlobCacheTests
{
    private static readonly string Key = new('a', 64);
    private static readonly string Parent = new('b', 64);
    private static readonly string Other = new('c', 64);

    [Fact]
    public void A_blob_is_found_by_its_key_and_parent_and_nothing_else()
    {
        using var temp = new TempDirectory();
        var cache = new LayerBlobCache(new LayerStore(temp.Combine("store")));
        var blob = Blob("0123456789");

        var path = cache.Add(Key, Parent, blob, Made(temp, "0123456789"), CancellationToken.None);

        Assert.Equal("0123456789", File.ReadAllText(path));
        var found = cache.Find(Key, Parent, CancellationToken.None);
        Assert.Equal(blob, found?.Blob);
        Assert.Equal(path, found?.Path);
        Assert.Null(cache.Find(Key, null, CancellationToken.None));
        Assert.Null(cache.Find(Key, Other, CancellationToken.None));
        Assert.Null(cache.Find(Other, Parent, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("store/tmp")));
    }

    [Fact]
    public void A_base_layer_has_an_entry_of_its_own()
    {
        using var temp = new TempDirectory();
        var cache = new LayerBlobCache(new LayerStore(temp.Combine("store")));
        var blob = Blob("base");
        cache.Add(Key, null, blob, Made(temp, "base"), CancellationToken.None);

        Assert.Equal(blob, cache.Find(Key, null, CancellationToken.None)?.Blob);
        Assert.Null(cache.Find(Key, Parent, CancellationToken.None));
    }

    [Fact]
    public void A_second_add_keeps_the_first_entry_and_leaves_nothing_behind()
    {
        using var temp = new TempDirectory();
        var cache = new LayerBlobCache(new LayerStore(temp.Combine("store")));
        var first = cache.Add(Key, Parent, Blob("same"), Made(temp, "same"), CancellationToken.None);
        var second = cache.Add(Key, Parent, Blob("same"), Made(temp, "same"), CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal("same", File.ReadAllText(first));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("store/tmp")));
    }

    [Fact]
    public void A_blob_of_another_size_than_its_record_is_not_used_and_is_replaced_when_made_again()
    {
        using var temp = new TempDirectory();
        var cache = new LayerBlobCache(new LayerStore(temp.Combine("store")));
        var path = cache.Add(Key, Parent, Blob("whole"), Made(temp, "whole"), CancellationToken.None);
        File.WriteAllText(path, "cut");

        Assert.Null(cache.Find(Key, Parent, CancellationToken.None));

        // Made again, it replaces the broken entry rather than being dropped for it.
        var again = cache.Add(Key, Parent, Blob("whole"), Made(temp, "whole"), CancellationToken.None);
        Assert.Equal("whole", File.ReadAllText(again));
        Assert.NotNull(cache.Find(Key, Parent, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("store/tmp")));
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("../../escape")]
    [InlineData("")]
    public void A_key_that_is_not_a_layer_key_is_refused(string key)
    {
        using var temp = new TempDirectory();
        var cache = new LayerBlobCache(new LayerStore(temp.Combine("store")));

        Assert.Throws<ArgumentException>(() => cache.Find(key, null, CancellationToken.None));
        Assert.Throws<ArgumentException>(() => cache.Find(Key, key, CancellationToken.None));
    }

    [Fact]
    public void Collecting_removes_the_entries_whose_layer_or_parent_is_gone_and_what_vse_did_not_put_there()
    {
        using var temp = new TempDirectory();
        var cache = new LayerBlobCache(new LayerStore(temp.Combine("store")));
        cache.Add(Key, Parent, Blob("kept"), Made(temp, "kept"), CancellationToken.None);
        cache.Add(Parent, null, Blob("base"), Made(temp, "base"), CancellationToken.None);
        cache.Add(Other, Parent, Blob("layer gone"), Made(temp, "layer gone"), CancellationToken.None);
        cache.Add(Key, Other, Blob("parent gone"), Made(temp, "parent gone"), CancellationToken.None);
        File.WriteAllText(Path.Combine(cache.Directory, "stray"), "x");
        File.CreateSymbolicLink(Path.Combine(cache.Directory, $"{Key}.base"), temp.CreateDirectory("outside"));

        var (entries, bytes) = cache.Collect(key => key == Key || key == Parent, CancellationToken.None);

        Assert.Equal(4, entries);
        Assert.True(bytes >= "layer gone".Length + "parent gone".Length + 1, $"{bytes} bytes");
        Assert.NotNull(cache.Find(Key, Parent, CancellationToken.None));
        Assert.NotNull(cache.Find(Parent, null, CancellationToken.None));
        Assert.Equal([$"{Key}.{Parent}", $"{Parent}.base"], Directory.EnumerateFileSystemEntries(cache.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(Directory.Exists(temp.Combine("outside")));
    }

    [Fact]
    public void Collecting_a_store_that_never_pushed_removes_nothing()
    {
        using var temp = new TempDirectory();
        Assert.Equal((0, 0L), new LayerBlobCache(new LayerStore(temp.Combine("store"))).Collect(_ => false, CancellationToken.None));
    }

    private static LayerBlob Blob(string content) => new("sha256:" + new string('d', 64), "sha256:" + new string('e', 64), content.Length, 3, 1);

    private static string Made(TempDirectory temp, string content)
    {
        var path = temp.Combine($"made.{Guid.NewGuid():N}");
        File.WriteAllText(path, content);
        return path;
    }
}
