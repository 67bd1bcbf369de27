using System.Text;
using Vse.Description.Diagnostics;
using Vse.Description.Syntax;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Syntax;

public sealed class YamlFileReaderTests
{
    private static (SyntaxNode? Node, IReadOnlyList<Diagnostic> Diagnostics) Read(string text, ReaderLimits? limits = null)
    {
        var bag = new DiagnosticBag();
        var node = YamlFileReader.ReadText("f.vse.yaml", text, limits ?? ReaderLimits.Default, bag);
        return (node, bag.Items);
    }

    [Fact]
    public void A_syntax_error_is_reported_at_its_line_and_column()
    {
        var (node, diagnostics) = Read("vse: 1\nname: x: y\n");

        Assert.Null(node);
        At(Single(diagnostics, DiagnosticCodes.YamlSyntax), "f.vse.yaml", 2, 8);
    }

    [Fact]
    public void An_unclosed_flow_collection_is_a_syntax_error_not_a_crash()
    {
        // YamlDotNet throws InvalidOperationException (not YamlException) for this input.
        var (node, diagnostics) = Read("vse: 1\nname: x\nenv: [a, b\nrun: x\n");

        Assert.Null(node);
        var error = Single(diagnostics, DiagnosticCodes.YamlSyntax);
        Assert.Equal(3, error.Location.Line);
    }

    [Fact]
    public void A_syntax_error_in_a_resolved_file_names_that_file()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nenv: {A: \"1\"\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.YamlSyntax);

        Assert.Equal(path, error.Location.File);
        Assert.Equal(DiagnosticKind.Input, error.Kind);
    }

    [Fact]
    public void A_duplicate_key_is_an_error_at_the_second_key()
    {
        var (_, diagnostics) = Read("vse: 1\nname: a\nname: b\n");

        At(Single(diagnostics, DiagnosticCodes.DuplicateKey), "f.vse.yaml", 3, 1);
    }

    [Fact]
    public void A_duplicate_key_in_a_nested_map_is_found_too()
    {
        var (_, diagnostics) = Read("vse: 1\nname: a\nenv:\n  A: x\n  B: y\n  A: z\n");

        At(Single(diagnostics, DiagnosticCodes.DuplicateKey), "f.vse.yaml", 6, 3);
    }

    [Fact]
    public void A_second_document_is_refused_where_it_starts()
    {
        var (node, diagnostics) = Read("vse: 1\nname: a\n---\nvse: 1\nname: b\n");

        Assert.Null(node);
        At(Single(diagnostics, DiagnosticCodes.MultipleDocuments), "f.vse.yaml", 3, 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("\n\n")]
    public void An_empty_file_is_refused(string text)
    {
        var (node, diagnostics) = Read(text);

        Assert.Null(node);
        At(Single(diagnostics, DiagnosticCodes.NotAMapping), "f.vse.yaml", 1, 1);
    }

    [Theory]
    [InlineData("- a\n- b\n", "a list")]
    [InlineData("hello\n", "'hello'")]
    public void A_root_that_is_not_a_mapping_is_refused(string text, string found)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", text);

        var diagnostics = ws.ResolveFails("app");

        // Reported as a type error of the whole document (VSE0202), not as VSE0108 (which the empty file gets).
        var error = Single(diagnostics, DiagnosticCodes.WrongType);
        At(error, path, 1, 1);
        Assert.Contains("'document' must be a map", error.Message, StringComparison.Ordinal);
        Assert.Contains(found, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JSON_input_is_accepted()
    {
        using var ws = new DescriptionWorkspace();
        ws.WriteFile("app.vse.yaml", """{"vse": 1, "name": "app", "env": {"A": "1"}, "resources": {"cpus": 2}}""");

        var resolved = ws.ResolveOk("app");

        Assert.Equal("1", Str(resolved.Content, "env.A"));
        Assert.Equal(2, Int(resolved.Content, "resources.cpus"));
    }

    [Fact]
    public void A_file_over_one_MiB_is_refused_before_it_is_parsed()
    {
        using var ws = new DescriptionWorkspace();
        var line = "# " + new string('x', 97) + "\n";
        var text = new StringBuilder("vse: 1\nname: big\n");
        while (text.Length < 10_000_000)
        {
            text.Append(line);
        }

        var path = ws.Write("big", text.ToString());

        var error = Single(ws.ResolveFails("big"), DiagnosticCodes.FileTooLarge);
        At(error, path, 1, 1);
    }

    [Fact]
    public void A_file_of_exactly_the_limit_is_read()
    {
        var text = "vse: 1\nname: a\n";
        var (node, diagnostics) = Read(text, ReaderLimits.Default with { MaxFileBytes = text.Length });

        Assert.NotNull(node);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Nesting_deeper_than_64_levels_is_refused()
    {
        var text = "vse: 1\nname: deep\nenv: " + new string('[', 70) + new string(']', 70) + "\n";

        var (node, diagnostics) = Read(text);

        Assert.Null(node);
        Single(diagnostics, DiagnosticCodes.NestingTooDeep);
    }

    [Fact]
    public void Nesting_of_64_levels_is_read()
    {
        // The root mapping is level 1 and its value level 2, so 63 brackets reach level 64.
        var text = "env: " + new string('[', 63) + new string(']', 63) + "\n";

        var (node, diagnostics) = Read(text);

        Assert.NotNull(node);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void An_alias_bomb_is_refused()
    {
        // Billion laughs: 9 levels of 9 aliases each expand to 9^9 nodes.
        var text = new StringBuilder("vse: 1\nname: bomb\n");
        text.Append("a: &a [").Append(string.Join(", ", Enumerable.Repeat("lol", 9))).Append("]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            text.Append($"{level}: &{level} [").Append(string.Join(", ", Enumerable.Repeat($"*{previous}", 9))).Append("]\n");
        }

        var (node, diagnostics) = Read(text.ToString());

        Assert.Null(node);
        Single(diagnostics, DiagnosticCodes.AliasExpansionTooLarge);
    }

    [Fact]
    public void A_modest_alias_is_expanded()
    {
        var (node, diagnostics) = Read("base: &b {A: x}\nother: *b\n");

        Assert.Empty(diagnostics);
        var mapping = Assert.IsType<MappingNode>(node);
        Assert.Equal(mapping.Entries[0].Value, mapping.Entries[1].Value);
    }

    [Fact]
    public void Every_problem_of_a_file_is_reported_in_one_run()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", """
            vse: 1
            name: app
            pakages: [vim]
            servces: [munge]
            enviroment: {A: "1"}
            """);

        var errors = ws.ResolveFails("app").Where(d => d.Code == DiagnosticCodes.UnknownKey).ToList();

        Assert.Equal([3, 4, 5], errors.Select(e => e.Location.Line));
        Assert.All(errors, e => Assert.Equal(path, e.Location.File));
    }

    [Fact]
    public void Problems_of_every_layer_are_reported_together()
    {
        using var ws = new DescriptionWorkspace();
        var basePath = ws.Write("base", "vse: 1\nname: base\nrunn: x\n");
        var appPath = ws.Write("app", "vse: 1\nname: app\nextends: base\nnetwork: {mode: bridge}\n");

        var diagnostics = ws.ResolveFails("app");

        Assert.Equal(basePath, Single(diagnostics, DiagnosticCodes.UnknownKey).Location.File);
        Assert.Equal(appPath, Single(diagnostics, DiagnosticCodes.InvalidValue).Location.File);
    }

    [Fact]
    public void Quoted_scalars_are_not_plain_and_plain_ones_are()
    {
        var (node, _) = Read("a: \"8\"\nb: 8\nc: ~\nd: 'null'\n");

        var entries = Assert.IsType<MappingNode>(node).Entries.Select(e => (ScalarNode)e.Value).ToList();
        Assert.False(entries[0].IsPlain);
        Assert.True(entries[1].IsPlain);
        Assert.True(entries[2].IsNull);
        Assert.False(entries[3].IsNull);
    }
}
