using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Layers;

public sealed class LinearizationTests
{
    [Fact]
    public void A_chain_is_applied_base_first()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("a", "vse: 1\nname: a\nenv: {V: a, A: a}\n");
        ws.Write("b", "vse: 1\nname: b\nextends: a\nenv: {V: b, B: b}\n");
        ws.Write("c", "vse: 1\nname: c\nextends: b\nenv: {V: c}\n");

        var resolved = ws.ResolveOk("c");

        Assert.Equal(["a", "b", "c"], resolved.Lineage);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "a", ["B"] = "b", ["V"] = "c" }, StringMap(resolved.Content, "env"));
    }

    /// <summary>
    /// Each file is read into its layer as soon as it is parsed (so its syntax tree dies young),
    /// yet problems are told as before: the parser's in parse order (the given file first), then
    /// the layers' in merge order (bases first).
    /// </summary>
    [Fact]
    public void Problems_are_told_parser_first_in_parse_order_then_layers_in_merge_order()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: a\nenv: {V: a}\nenv: {V: again}\nunknown_a: 1\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: a\nunknown_b: 1\n");
        var c = ws.Write("c", "vse: 1\nname: c\nextends: b\nenv: {V: c}\nenv: {V: again}\nunknown_c: 1\n");

        var problems = ws.ResolveFails("c").Select(d => (d.Code, d.Location.File)).ToList();

        Assert.Equal(
            [(DiagnosticCodes.DuplicateKey, c), (DiagnosticCodes.DuplicateKey, a),
             (DiagnosticCodes.UnknownKey, a), (DiagnosticCodes.UnknownKey, b), (DiagnosticCodes.UnknownKey, c)],
            problems);
    }

    [Fact]
    public void A_list_of_bases_is_applied_left_to_right()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("x", "vse: 1\nname: x\nenv: {V: x}\n");
        ws.Write("y", "vse: 1\nname: y\nenv: {V: y}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: [x, y]\n");

        var resolved = ws.ResolveOk("app");

        Assert.Equal(["x", "y", "app"], resolved.Lineage);
        Assert.Equal("y", Str(resolved.Content, "env.V"));
    }

    [Fact]
    public void A_diamond_applies_the_common_ancestor_once()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("base", "vse: 1\nname: base\npackages: [vim]\nfiles: [{mkdir: /base}]\n");
        ws.Write("left", "vse: 1\nname: left\nextends: base\n");
        ws.Write("right", "vse: 1\nname: right\nextends: base\n");
        ws.Write("app", "vse: 1\nname: app\nextends: [left, right]\n");

        var resolved = ws.ResolveOk("app");

        Assert.Equal(["base", "left", "right", "app"], resolved.Lineage);
        Assert.Single(Steps(resolved.Content, "files")); // its step is not appended twice
    }

    [Fact]
    public void An_ancestor_reached_twice_is_applied_at_its_first_place()
    {
        // app -> [left, right]; left -> common; right -> [other, common].
        // common's first place is before left; applied there, 'other' (later) wins over it.
        using var ws = new DescriptionWorkspace();
        ws.Write("common", "vse: 1\nname: common\nenv: {V: common}\n");
        ws.Write("other", "vse: 1\nname: other\nenv: {V: other}\n");
        ws.Write("left", "vse: 1\nname: left\nextends: common\n");
        ws.Write("right", "vse: 1\nname: right\nextends: [other, common]\n");
        ws.Write("app", "vse: 1\nname: app\nextends: [left, right]\n");

        var resolved = ws.ResolveOk("app");

        Assert.Equal(["common", "left", "other", "right", "app"], resolved.Lineage);
        Assert.Equal("other", Str(resolved.Content, "env.V"));
    }

    [Fact]
    public void A_base_named_twice_in_one_list_is_applied_once()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("x", "vse: 1\nname: x\n");
        ws.Write("app", "vse: 1\nname: app\nextends: [x, ./x.vse.yaml]\n");

        Assert.Equal(["x", "app"], ws.ResolveOk("app").Lineage);
    }

    [Fact]
    public void A_two_file_cycle_is_an_error_naming_both_files()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: a\nextends: b\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: a\n");

        var error = Single(ws.ResolveFails("a"), DiagnosticCodes.InheritanceCycle);

        At(error, b, 3, 10); // where the cycle closes
        Assert.Contains($"{a} -> {b} -> {a}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_three_file_cycle_names_every_file_in_order()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: a\nextends: b\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: c\n");
        var c = ws.Write("c", "vse: 1\nname: c\nextends: a\n");
        ws.Write("app", "vse: 1\nname: app\nextends: a\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.InheritanceCycle);

        Assert.Contains($"{a} -> {b} -> {c} -> {a}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ws.PathOf("app"), error.Message, StringComparison.Ordinal); // not part of the cycle
    }

    [Fact]
    public void A_file_that_extends_itself_is_a_cycle()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: a\nextends: a\n");

        var error = Single(ws.ResolveFails("a"), DiagnosticCodes.InheritanceCycle);

        At(error, a, 3, 10);
        Assert.Contains($"{a} -> {a}", error.Message, StringComparison.Ordinal);
    }
}
