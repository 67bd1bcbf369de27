using Vse.Build.Store;

namespace Vse.Build.Tests.Store;

/// <summary>
/// The site store's verdict handed into the rootless build namespace: there the chain follows it,
/// never the owners it sees (host root as 65534, the user as root).
/// </summary>
public sealed class SiteStoreVerdictTests
{
    private const string Good = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string Bad = "2222222222222222222222222222222222222222222222222222222222222222";
    private const string Later = "3333333333333333333333333333333333333333333333333333333333333333";

    [Fact]
    public void Inside_the_chain_trusts_the_store_and_each_layer_as_the_verdict_says_and_no_layer_it_does_not_name()
    {
        using var temp = new TempDirectory();
        var site = SiteWith(temp, Good, Bad, Later);
        // A store under /tmp fails the rule as this process sees it: the verdict, not the owners, decides.
        var verdict = new SiteStoreVerdict(site.Root, null, new Dictionary<string, string?> { [Good] = null, [Bad] = "x is writable by you" });
        var chain = LayerChain.OpenAsJudged(new LayerStore(Path.Combine(temp.Path, "own")), site.Root, verdict, null);

        Assert.Equal(site.Root, chain.Site?.Root);
        Assert.Equal(LayerOrigin.Site, chain.Locate(Good));
        Assert.Null(chain.Locate(Bad));
        Assert.Null(chain.Locate(Later));
        Assert.Equal(
            [
                "site layer 222222222222 is not used: x is writable by you; building it privately",
                "site layer 333333333333 is not used: it was published after the store was judged; building it privately",
            ],
            chain.Warnings);
    }

    [Fact]
    public void Inside_without_a_verdict_a_refused_one_or_one_on_another_store_the_site_store_is_not_used()
    {
        using var temp = new TempDirectory();
        var site = SiteWith(temp, Good);
        var own = new LayerStore(Path.Combine(temp.Path, "own"));
        var layers = new Dictionary<string, string?> { [Good] = null };
        var cases = new (SiteStoreVerdict? Verdict, string? Problem, string Reason)[]
        {
            (null, "no verdict here", "no verdict here"),
            (new SiteStoreVerdict(site.Root, "/ is owned by uid 1000, not root", layers), null, "/ is owned by uid 1000, not root"),
            (new SiteStoreVerdict("/var/lib/elsewhere", null, layers), null, "the verdict handed in is on /var/lib/elsewhere"),
        };
        foreach (var (verdict, problem, reason) in cases)
        {
            var chain = LayerChain.OpenAsJudged(own, site.Root, verdict, problem);
            Assert.Null(chain.Site);
            Assert.Null(chain.Locate(Good));
            Assert.Equal([$"the site store {site.Root} is not used: {reason}; building privately"], chain.Warnings);
        }
    }

    [Fact]
    public void A_judged_store_reads_back_as_written_and_a_missing_or_damaged_verdict_says_why()
    {
        using var temp = new TempDirectory();
        var site = SiteWith(temp, Good);
        var judged = SiteStoreVerdict.Judge(site.Root, CancellationToken.None);
        // Temporary directories lie below /tmp, which everyone may write.
        Assert.NotNull(judged.Refusal);
        var file = Path.Combine(temp.Path, "verdict.json");
        judged.Write(file);
        var read = SiteStoreVerdict.Read(file, out var problem);
        Assert.Null(problem);
        Assert.Equal((judged.Store, judged.Refusal), (read!.Store, read.Refusal));

        var passed = new SiteStoreVerdict(site.Root, null, new Dictionary<string, string?> { [Good] = null, [Bad] = "why" });
        passed.Write(file);
        Assert.Equal(passed.Layers, SiteStoreVerdict.Read(file, out _)!.Layers);

        Assert.Null(SiteStoreVerdict.Read(null, out var none));
        Assert.StartsWith("it was not judged from the host's view", none);
        File.WriteAllText(file, "{");
        Assert.Null(SiteStoreVerdict.Read(file, out var damaged));
        Assert.StartsWith($"the verdict in {file} cannot be read: ", damaged);
    }

    private static LayerStore SiteWith(TempDirectory temp, params string[] keys)
    {
        var site = new LayerStore(Path.Combine(temp.Path, "site"), LayerStoreAccess.Published);
        foreach (var key in keys)
        {
            Directory.CreateDirectory(site.RootfsOf(key));
            File.WriteAllText(Path.Combine(site.DirectoryOf(key), "layer.json"), "{}");
        }

        return site;
    }
}
