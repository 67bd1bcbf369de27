using Vse.Build.Reproducible;

namespace Vse.Build.Tests.Reproducible;

/// <summary>The rule by which <c>vse build --check</c> names the step at fault, on manifests made by hand.</summary>
public sealed class LayerComparisonTests
{
    private static TreeManifest Manifest(params (string Path, string Entry)[] entries) =>
        new(entries.ToDictionary(e => e.Path, e => e.Entry, StringComparer.Ordinal));

    [Fact]
    public void Identical_layers_have_no_differences()
    {
        var tree = Manifest((".", "d"), ("etc/motd", "f hello"));
        Assert.Empty(LayerComparison.DifferencesMadeBy(null, null, tree, Manifest((".", "d"), ("etc/motd", "f hello"))));
    }

    [Fact]
    public void The_first_layer_is_named_for_every_path_that_differs_in_ordinal_order()
    {
        var cached = Manifest((".", "d"), ("stamp", "f 1"), ("b", "f x"));
        var rebuilt = Manifest((".", "d"), ("stamp", "f 2"), ("b", "f y"));
        Assert.Equal(["b", "stamp"], LayerComparison.DifferencesMadeBy(null, null, cached, rebuilt));
    }

    [Fact]
    public void A_difference_inherited_unchanged_from_the_parent_is_not_the_layers()
    {
        var cachedParent = Manifest(("stamp", "f 1"));
        var rebuiltParent = Manifest(("stamp", "f 2"));
        var cached = Manifest(("stamp", "f 1"), ("new", "f same"));
        var rebuilt = Manifest(("stamp", "f 2"), ("new", "f same"));
        Assert.Empty(LayerComparison.DifferencesMadeBy(cachedParent, rebuiltParent, cached, rebuilt));
    }

    [Fact]
    public void A_layer_that_rewrites_a_differing_path_and_still_differs_is_named()
    {
        var cachedParent = Manifest(("stamp", "f 1"));
        var rebuiltParent = Manifest(("stamp", "f 2"));
        var cached = Manifest(("stamp", "f 3"));
        var rebuilt = Manifest(("stamp", "f 4"));
        Assert.Equal(["stamp"], LayerComparison.DifferencesMadeBy(cachedParent, rebuiltParent, cached, rebuilt));
    }

    [Fact]
    public void A_layer_that_makes_an_inherited_difference_equal_again_is_clean()
    {
        var cachedParent = Manifest(("stamp", "f 1"));
        var rebuiltParent = Manifest(("stamp", "f 2"));
        var fixedUp = Manifest(("stamp", "f 0"));
        Assert.Empty(LayerComparison.DifferencesMadeBy(cachedParent, rebuiltParent, fixedUp, Manifest(("stamp", "f 0"))));
        Assert.Empty(LayerComparison.DifferencesMadeBy(cachedParent, rebuiltParent, Manifest(), Manifest()));
    }

    [Fact]
    public void A_path_only_one_build_made_is_named()
    {
        var parent = Manifest((".", "d"));
        Assert.Equal(["tmp/random-name"], LayerComparison.DifferencesMadeBy(parent, parent, Manifest((".", "d")), Manifest((".", "d"), ("tmp/random-name", "f"))));
    }

    [Fact]
    public void A_path_equal_in_the_parent_that_differs_now_is_named_even_if_one_build_kept_it()
    {
        var parent = Manifest(("etc/conf", "f a"));
        Assert.Equal(["etc/conf"], LayerComparison.DifferencesMadeBy(parent, parent, Manifest(("etc/conf", "f a")), Manifest(("etc/conf", "f b"))));
    }
}
