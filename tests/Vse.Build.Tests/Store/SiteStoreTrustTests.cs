using Vse.Build.Store;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Store;

/// <summary>The trust rule for a site store (SiteStoreTrust), on made-up nodes and on real directories.</summary>
public sealed class SiteStoreTrustTests
{
    private const UnixFileMode Mode755 = (UnixFileMode)0x1ED;

    [Fact]
    public void Root_owned_nodes_nobody_else_can_write_are_trusted() =>
        Assert.Null(SiteStoreTrust.Refusal([Node("/"), Node("/var"), Node("/var/lib/vse-site"), Node("/var/lib/vse-site/layers")]));

    [Fact]
    public void A_node_owned_by_another_user_is_refused() =>
        Assert.Equal("/var/lib/vse-site is owned by uid 1000, not root",
            SiteStoreTrust.Refusal([Node("/"), Node("/var/lib/vse-site", uid: 1000), Node("/var/lib/vse-site/layers")]));

    [Theory]
    [InlineData(0x1FD, "0775")] // group-writable
    [InlineData(0x1EF, "0757")] // other-writable
    [InlineData(0x3FF, "1777")] // sticky like /tmp: others may still create the name first
    public void A_node_its_group_or_others_can_write_is_refused(int mode, string octal) =>
        Assert.Equal($"/srv is writable by its group or others (mode {octal})",
            SiteStoreTrust.Refusal([Node("/"), Node("/srv", mode: (UnixFileMode)mode), Node("/srv/site")]));

    [Fact]
    public void A_node_the_caller_can_write_through_an_acl_is_refused() =>
        Assert.Equal("/srv/site is writable by you", SiteStoreTrust.Refusal([Node("/"), Node("/srv/site", writable: true)]));

    [Fact]
    public void A_symlink_is_refused() =>
        Assert.Equal("/srv/site/layers/abc is a symbolic link",
            SiteStoreTrust.Refusal([Node("/srv/site/layers/abc", type: NodeType.Symlink)]));

    [Fact]
    public void A_node_that_cannot_be_read_is_refused() =>
        Assert.Equal("/srv/site/layers cannot be read", SiteStoreTrust.Refusal([new SiteStoreNode("/srv/site/layers", null, false)]));

    [Fact]
    public void The_first_failing_node_from_the_top_is_named() =>
        Assert.StartsWith("/a is owned", SiteStoreTrust.Refusal([Node("/"), Node("/a", uid: 5), Node("/a/b", uid: 6)]));

    [SkippableFact]
    public void A_real_store_under_a_directory_others_can_write_is_refused_and_fixed_by_closing_it()
    {
        Requirements.Root();
        // /tmp (1777): anyone may create or rename names there, so no site store may lie below it.
        var root = Path.Combine("/tmp", "vse-site-trust-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(root, Mode755);
            var store = new LayerStore(Path.Combine(root, "site"), LayerStoreAccess.Published);
            Assert.Equal("/tmp is writable by its group or others (mode 1777)", SiteStoreTrust.RefusalOfStore(store.Root));

            var chain = LayerChain.Open(new LayerStore(Path.Combine(root, "own")), store.Root);
            Assert.Null(chain.Site);
            Assert.Equal([$"the site store {store.Root} is not used: /tmp is writable by its group or others (mode 1777); building privately"], chain.Warnings);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [SkippableFact]
    public void A_published_store_in_a_root_owned_directory_is_trusted_and_its_layers_are_checked_one_by_one()
    {
        Requirements.Root();
        // /var/lib: root's, 0755, as the default /var/lib/vse-site's parent.
        var root = Path.Combine("/var/lib", "vse-site-trust-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(root, Mode755);
            var store = new LayerStore(Path.Combine(root, "site"), LayerStoreAccess.Published);
            Assert.Equal(Mode755, File.GetUnixFileMode(store.LayersDirectory));
            Assert.Null(SiteStoreTrust.RefusalOfStore(store.Root));

            const string good = "1111111111111111111111111111111111111111111111111111111111111111";
            const string bad = "2222222222222222222222222222222222222222222222222222222222222222";
            foreach (var key in new[] { good, bad })
            {
                Directory.CreateDirectory(store.RootfsOf(key));
                File.WriteAllText(Path.Combine(store.DirectoryOf(key), "layer.json"), "{}");
            }

            File.SetUnixFileMode(store.RootfsOf(bad), Mode755 | UnixFileMode.OtherWrite);
            // The archive users build from is checked with its layer where there is one (good has one, bad none).
            const string badArchive = "5555555555555555555555555555555555555555555555555555555555555555";
            Directory.CreateDirectory(store.RootfsOf(badArchive));
            File.WriteAllText(Path.Combine(store.DirectoryOf(badArchive), "layer.json"), "{}");
            foreach (var (key, mode) in new[] { (good, (UnixFileMode)0x1A4), (badArchive, (UnixFileMode)0x1B6) })
            {
                File.WriteAllBytes(store.ArchiveOf(key), []);
                File.SetUnixFileMode(store.ArchiveOf(key), mode);
            }

            var chain = LayerChain.Open(new LayerStore(Path.Combine(root, "own")), store.Root);
            Assert.NotNull(chain.Site);
            Assert.Equal(LayerOrigin.Site, chain.Locate(good));
            Assert.Equal(store.RootfsOf(good), chain.RootfsOf(good));
            Assert.Null(chain.Locate(bad));
            Assert.Null(chain.Locate(badArchive));
            Assert.Equal(
                [
                    $"site layer 222222222222 is not used: {store.RootfsOf(bad)} is writable by its group or others (mode 0757); building it privately",
                    $"site layer 555555555555 is not used: {store.ArchiveOf(badArchive)} is writable by its group or others (mode 0666); building it privately",
                ],
                chain.Warnings);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static SiteStoreNode Node(string path, uint uid = 0, UnixFileMode mode = Mode755, bool writable = false, NodeType type = NodeType.Directory) =>
        new(path, new NodeStatus(type, mode, uid, 0, 0, DateTimeOffset.UnixEpoch, 0, 0, 1, 1), writable);
}
