using Vse.Description.Diagnostics;
using Vse.Description.Provenance;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Provenance;

public sealed class ProvenanceTests
{
    private static (ProvenanceAction Action, string Layer, SourceLocation Location, string? Value) Event(
        ProvenanceAction action, string layer, SourceLocation location, string? value = null) => (action, layer, location, value);

    private static List<(ProvenanceAction, string, SourceLocation, string?)> Chain(ResolvedDescription resolved, string path) =>
        resolved.Provenance.For(path).Select(e => (e.Action, e.Layer, e.Location, e.Value?.ToString())).ToList();

    [Fact]
    public void A_value_changed_in_three_layers_records_each_layer_with_file_and_line()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: a\nenv: {X: one}\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: a\nenv:\n  X: two\n");
        var c = ws.Write("c", "vse: 1\nname: c\nextends: b\n\nenv: {X: three}\n");

        var resolved = ws.ResolveOk("c");

        Assert.Equal(
            [
                Event(ProvenanceAction.Set, "a", Find(a, "one"), "one"),
                Event(ProvenanceAction.Changed, "b", Find(b, "two"), "two"),
                Event(ProvenanceAction.Changed, "c", Find(c, "three"), "three"),
            ],
            Chain(resolved, "env.X"));
    }

    [Fact]
    public void The_same_value_given_again_is_recorded_as_restated()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: a\nrun: make\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: a\nrun: make\n");

        Assert.Equal(
            [Event(ProvenanceAction.Set, "a", Find(a, "make"), "make"), Event(ProvenanceAction.Restated, "b", Find(b, "make"), "make")],
            Chain(ws.ResolveOk("b"), "run"));
    }

    [Fact]
    public void A_set_member_added_then_removed_records_both_layers()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: a\npackages: [nano, vim]\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: a\npackages: {remove: [vim]}\n");

        var resolved = ws.ResolveOk("b");

        Assert.Equal(
            [Event(ProvenanceAction.Added, "a", Find(a, "vim")), Event(ProvenanceAction.Removed, "b", Find(b, "vim"))],
            Chain(resolved, "packages[vim]"));
        Assert.Equal([Event(ProvenanceAction.Added, "a", Find(a, "nano"))], Chain(resolved, "packages[nano]"));
    }

    [Fact]
    public void A_step_added_replaced_and_removed_records_each_layer_with_its_verb()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: a\nfiles:\n  - {id: motd, write: /etc/motd, content: hi}\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: a\nfiles:\n  - {id: motd, delete: /etc/motd}\n");
        var c = ws.Write("c", "vse: 1\nname: c\nextends: b\nfiles:\n  - {id: motd, remove: true}\n");

        Assert.Equal(
            [
                Event(ProvenanceAction.Added, "a", Find(a, "{id"), "write /etc/motd"),
                Event(ProvenanceAction.Replaced, "b", Find(b, "{id"), "delete /etc/motd"),
                Event(ProvenanceAction.Removed, "c", Find(c, "{id")),
            ],
            Chain(ws.ResolveOk("c"), "files[motd]"));
    }

    [Fact]
    public void A_step_without_id_is_known_by_its_layer_and_position()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: site/a\nbuild:\n  - run: one\n  - run: two\n");

        var resolved = ws.ResolveOk("a");

        Assert.Equal([Event(ProvenanceAction.Added, "site/a", Find(a, "run: two"), "run two")], Chain(resolved, "build[site/a#2]"));
    }

    [Fact]
    public void A_null_records_who_removed_the_value()
    {
        using var ws = new DescriptionWorkspace();
        var a = ws.Write("a", "vse: 1\nname: a\nenv: {A: x, B: y}\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: a\nenv: null\n");

        var resolved = ws.ResolveOk("b");

        Assert.Equal([Event(ProvenanceAction.Set, "a", Find(a, "x"), "x"), Event(ProvenanceAction.Removed, "b", Find(b, "null"))], Chain(resolved, "env.A"));
        Assert.Equal(ProvenanceAction.Removed, resolved.Provenance.For("env.B")[^1].Action);
        Assert.Equal("a", resolved.Provenance.LastWrite("env.A")!.Layer); // the last write, not the removal
    }

    [Fact]
    public void A_bang_replacement_records_the_removal_of_what_it_replaced()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("a", "vse: 1\nname: a\nenv: {A: x}\npackages: [vim]\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: a\nenv!: {B: y}\npackages!: [nano]\n");

        var resolved = ws.ResolveOk("b");

        Assert.Equal(Event(ProvenanceAction.Removed, "b", Find(b, "{B")), Chain(resolved, "env.A")[^1]);
        Assert.Equal(Event(ProvenanceAction.Removed, "b", Find(b, "[nano")), Chain(resolved, "packages[vim]")[^1]);
        Assert.Equal([Event(ProvenanceAction.Set, "b", Find(b, "y}"), "y")], Chain(resolved, "env.B"));
    }

    [Fact]
    public void A_target_block_is_recorded_under_its_layer_at_the_block_lines()
    {
        using var ws = new DescriptionWorkspace();
        var hpc = ws.Write("hpc", "vse: 1\nname: hpc\ndeploy: {instances: 1}\ntargets:\n  cluster: {deploy: {instances: 16}}\n");
        var app = ws.Write("app", "vse: 1\nname: app\nextends: hpc\ndeploy: {instances: 4}\n");

        var chain = Chain(ws.ResolveOk("app", target: "cluster"), "deploy.instances");

        Assert.Equal(
            [
                Event(ProvenanceAction.Set, "hpc", Find(hpc, "1}"), "1"),
                Event(ProvenanceAction.Changed, "hpc", Find(hpc, "16"), "16"),
                Event(ProvenanceAction.Changed, "app", Find(app, "4}"), "4"),
            ],
            chain);
    }

    [Fact]
    public void Every_resolved_value_has_provenance_and_last_write_points_at_its_source()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("a", "vse: 1\nname: a\nos: {base: busybox}\nenv: {A: x}\nresources: {memory: 1Gi}\n");
        var b = ws.Write("b", "vse: 1\nname: b\nextends: a\nresources: {memory: 2Gi}\n");

        var resolved = ws.ResolveOk("b");

        foreach (var path in new[] { "vse", "name", "os.base", "env.A", "resources.memory" })
        {
            Assert.NotEmpty(resolved.Provenance.For(path));
        }

        Assert.Equal(Find(b, "2Gi"), resolved.Provenance.LastWrite("resources.memory")!.Location);
        Assert.Equal(Find(b, "2Gi"), resolved.Provenance.LastWrite("resources.memory.below")!.Location); // nearest recorded ancestor
        Assert.Equal(2L << 30, resolved.Provenance.LastWrite("resources.memory")!.Value!.AsInteger);
        Assert.Equal(["resources.memory"], resolved.Provenance.PathsUnder("resources"));
    }
}
