namespace Vse.Cli.Tests;

/// <summary>The tree built for one verb (VseApplication.CreateRoot with the arguments) parses as the whole tree does.</summary>
public sealed class VerbTableTests
{
    private static readonly CliEnvironment Environment = new(new Dictionary<string, string>(), "/", "/nonexistent/descriptions");

    [Fact]
    public void Every_verb_builds_the_command_of_its_name_and_the_whole_tree_has_every_verb_once()
    {
        Assert.All(VseApplication.Verbs, verb => Assert.Equal(verb.Name, verb.Create(Environment).Name));
        Assert.Equal(
            VseApplication.Verbs.Select(v => v.Name),
            VseApplication.CreateRoot(Environment).Subcommands.Select(c => c.Name));
    }

    [Theory]
    [InlineData("run", "a.vse.yaml", "--runtime", "vse-launch", "--", "true")]
    [InlineData("run", "a.vse.yaml", "--no-such-option")]
    [InlineData("run")]
    [InlineData("deploy", "a.vse.yaml", "-n", "two")]
    [InlineData("exec", "dep", "--", "ls", "-l")]
    [InlineData("build", "a.vse.yaml", "--export", "nonsense")]
    [InlineData("run", "a.vse.yaml", "--help")]
    [InlineData("run", "a.vse.yaml", "-h")]
    [InlineData("build", "-?", "a.vse.yaml")]
    [InlineData("deploy", "/h")]
    [InlineData("run", "a.vse.yaml", "--version")]
    [InlineData("run", "a.vse.yaml", "--", "ls", "--help")]
    [InlineData("resolve", "[suggest]")]
    public void The_tree_for_a_verb_parses_as_the_whole_tree(params string[] args)
    {
        var whole = VseApplication.CreateRoot(Environment).Parse(args);
        var one = VseApplication.CreateRoot(Environment, args).Parse(args);

        Assert.Single(VseApplication.CreateRoot(Environment, args).Subcommands);
        Assert.Equal(whole.CommandResult.Command.Name, one.CommandResult.Command.Name);
        Assert.Equal(whole.Errors.Select(e => e.Message), one.Errors.Select(e => e.Message));
        Assert.Equal(whole.UnmatchedTokens, one.UnmatchedTokens);
        // The same action: the verb's, or help's when it was asked for.
        Assert.Equal(whole.Action?.GetType(), one.Action?.GetType());
    }

    [Theory]
    [InlineData(false, "run", "a.vse.yaml", "--", "true")]
    [InlineData(false, "run", "a.vse.yaml", "--runtime", "vse-launch", "--", "sh", "-c", "x --help")]
    [InlineData(true, "run", "a.vse.yaml", "--help")]
    [InlineData(true, "build", "@args.rsp")]
    [InlineData(true, "build", "a.vse.yaml", "--version")]
    public void A_verb_gets_the_root_options_only_when_an_argument_may_ask_for_them(bool rooted, params string[] args) =>
        Assert.Equal(rooted, VseApplication.CreateRoot(Environment, args) is System.CommandLine.RootCommand);

    [Theory]
    [InlineData("--help")]
    [InlineData("--version")]
    [InlineData("rnu", "a.vse.yaml")]
    public void Arguments_that_name_no_verb_get_the_whole_tree(params string[] args) =>
        Assert.Equal(VseApplication.Verbs.Count, VseApplication.CreateRoot(Environment, args).Subcommands.Count);
}
