using Vse.Build.Store;

namespace Vse.Build.Tests.Store;

/// <summary>LayerChain without a usable site store, and the directories a published store makes.</summary>
public sealed class LayerChainTests
{
    [Fact]
    public void No_site_store_configured_missing_or_without_layers_is_no_site_store_and_no_warning()
    {
        using var temp = new TempDirectory();
        var own = new LayerStore(Path.Combine(temp.Path, "own"));
        var empty = Directory.CreateDirectory(Path.Combine(temp.Path, "empty")).FullName;
        foreach (var site in new[] { null, Path.Combine(temp.Path, "absent"), empty, own.Root })
        {
            var chain = LayerChain.Open(own, site);
            Assert.Null(chain.Site);
            Assert.Empty(chain.Warnings);
            Assert.Same(own, chain.Own);
        }
    }

    [Fact]
    public void A_key_in_no_store_is_located_nowhere_and_its_tree_is_the_own_stores_path()
    {
        using var temp = new TempDirectory();
        var chain = LayerChain.Single(new LayerStore(Path.Combine(temp.Path, "own")));
        const string key = "3333333333333333333333333333333333333333333333333333333333333333";
        Assert.Null(chain.Locate(key));
        Assert.Equal(chain.Own.RootfsOf(key), chain.RootfsOf(key));
    }

    [Fact]
    public void A_published_store_is_readable_by_all_even_where_it_was_made_closed_and_a_read_only_one_is_not_created()
    {
        using var temp = new TempDirectory();
        var root = Directory.CreateDirectory(Path.Combine(temp.Path, "site"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        var store = new LayerStore(root, LayerStoreAccess.Published);
        const UnixFileMode readableByAll = (UnixFileMode)0x1ED;
        Assert.Equal(readableByAll, File.GetUnixFileMode(root));
        Assert.Equal(readableByAll, File.GetUnixFileMode(store.LayersDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.TemporaryDirectory));

        var readOnly = new LayerStore(Path.Combine(temp.Path, "elsewhere"), LayerStoreAccess.ReadOnly);
        Assert.False(Directory.Exists(readOnly.Root));
    }
}
