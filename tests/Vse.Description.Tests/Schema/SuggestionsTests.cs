using Vse.Description.Schema;

namespace Vse.Description.Tests.Schema;

public sealed class SuggestionsTests
{
    private static readonly string[] TopLevel = [.. DescriptionSchema.TopLevelKeys];

    [Theory]
    [InlineData("pakages", "packages")] // one deletion
    [InlineData("packges", "packages")]
    [InlineData("servces", "services")]
    [InlineData("evn", "env")] // one swap
    [InlineData("extend", "extends")]
    [InlineData("taregts", "targets")]
    [InlineData("resorces", "resources")]
    [InlineData("Name", "name")]
    public void A_near_miss_suggests_the_intended_key(string typo, string expected) =>
        Assert.Equal(expected, Suggestions.Nearest(typo, TopLevel));

    [Theory]
    [InlineData("bsae", "base")]
    [InlineData("kernal", "kernel")]
    [InlineData("mirorr", "mirror")]
    public void Transpositions_and_substitutions_count_as_one_edit(string typo, string expected) =>
        Assert.Equal(expected, Suggestions.Nearest(typo, ["base", "kernel", "variant", "mirror"]));

    [Theory]
    [InlineData("zzzzzzzz")]
    [InlineData("hostname")]
    [InlineData("qqq")]
    public void A_word_far_from_every_candidate_gets_no_suggestion(string word) =>
        Assert.Null(Suggestions.Nearest(word, TopLevel));

    [Fact]
    public void No_candidates_means_no_suggestion() => Assert.Null(Suggestions.Nearest("env", []));

    [Fact]
    public void Did_you_mean_is_a_parenthesised_phrase_or_nothing()
    {
        Assert.Equal(" (did you mean 'vm'?)", Suggestions.DidYouMean("vmm", ["sandbox", "vm"]));
        Assert.Equal("", Suggestions.DidYouMean("docker-compose", ["sandbox", "vm"]));
    }
}
