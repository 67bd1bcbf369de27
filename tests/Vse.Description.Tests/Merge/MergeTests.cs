using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Merge;

public sealed class MergeTests
{
    /// <summary>Resolves <c>app</c>, which extends <c>base</c>; both bodies come after the header.</summary>
    private static ResolvedDescription Layered(DescriptionWorkspace ws, string baseBody, string appBody)
    {
        ws.Write("base", "vse: 1\nname: base\n" + baseBody + "\n");
        ws.Write("app", "vse: 1\nname: app\nextends: base\n" + appBody + "\n");
        return ws.ResolveOk("app");
    }

    private static IReadOnlyList<string> FileOperands(MapValue content) =>
        Steps(content, "files").Select(s => s.Entries.First(e => e.Key != "id").Value.ToString()!).ToList();

    [Fact]
    public void A_later_scalar_replaces_an_earlier_one()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "run: old\ndeploy: {instances: 4}", "run: new\ndeploy: {instances: 64}").Content;

        Assert.Equal("new", Str(content, "run"));
        Assert.Equal(64, Int(content, "deploy.instances"));
        Assert.Equal("app", Str(content, "name"));
    }

    [Fact]
    public void Maps_merge_key_by_key_recursively()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws,
            "env: {LANG: C.UTF-8, A: base}\nboot: {cmdline: {quiet: true, hugepages: 512}}\ndeploy: {driver: sandbox}",
            "env: {A: app, B: app}\nboot: {cmdline: {hugepages: 1024, thp: never}}\ndeploy: {instances: 2}").Content;

        Assert.Equal(new Dictionary<string, string> { ["A"] = "app", ["B"] = "app", ["LANG"] = "C.UTF-8" }, StringMap(content, "env"));
        Assert.Equal(
            new Dictionary<string, string> { ["hugepages"] = "1024", ["quiet"] = "true", ["thp"] = "never" },
            StringMap(content, "boot.cmdline"));
        Assert.Equal("sandbox", Str(content, "deploy.driver"));
        Assert.Equal(2, Int(content, "deploy.instances"));
    }

    [Fact]
    public void A_key_set_to_null_removes_it()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "env: {LANG: C.UTF-8, DEBUG: \"1\"}\nrun: make", "env: {DEBUG: null, OMP: \"8\"}\nrun: ~").Content;

        Assert.Equal(new Dictionary<string, string> { ["LANG"] = "C.UTF-8", ["OMP"] = "8" }, StringMap(content, "env"));
        Assert.Null(content["run"]);
    }

    [Fact]
    public void A_whole_map_set_to_null_is_removed()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "env: {A: a}\nboot: {cmdline: {quiet: true}}\nmounts: {/d: {source: /d}}", "env: null\nboot: {cmdline: null}\nmounts: {/d: null}").Content;

        Assert.Null(content["env"]);
        Assert.Null(content["boot"]); // emptied, then dropped
        Assert.Null(content["mounts"]);
    }

    [Fact]
    public void Null_for_an_absent_key_is_no_change()
    {
        using var ws = new DescriptionWorkspace();

        var resolved = Layered(ws, "env: {A: a}", "env: {B: null}\nrun: null");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "a" }, StringMap(resolved.Content, "env"));
    }

    [Fact]
    public void A_set_list_adds_members_and_the_result_is_sorted()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "packages: [zsh, bash]\nservices: [munge]", "packages: [curl, bash]\nservices: {add: [sshd]}").Content;

        Assert.Equal(["bash", "curl", "zsh"], Members(content, "packages"));
        Assert.Equal(["munge", "sshd"], Members(content, "services"));
    }

    [Fact]
    public void A_set_patch_adds_and_removes()
    {
        using var ws = new DescriptionWorkspace();

        var resolved = Layered(ws, "packages: [ca-certificates, nano]", "packages: {add: [gfortran], remove: [nano]}");

        Assert.Equal(["ca-certificates", "gfortran"], Members(resolved.Content, "packages"));
    }

    [Fact]
    public void Removing_an_absent_member_is_a_warning_and_the_description_still_resolves()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("base", "vse: 1\nname: base\npackages: [nano]\n");
        var path = ws.Write("app", "vse: 1\nname: app\nextends: base\npackages: {remove: [nano, vim]}\n");

        var result = ws.Resolve("app");

        Assert.True(result.Succeeded);
        var warning = Single(result.Diagnostics, DiagnosticCodes.RemovedAbsentMember);
        Assert.Equal(Severity.Warning, warning.Severity);
        At(warning, path, 4, 27);
        Assert.Contains("'vim'", warning.Message, StringComparison.Ordinal);
        Assert.Empty(Members(result.Description!.Content, "packages"));
    }

    [Fact]
    public void Adding_and_removing_one_member_in_one_layer_is_an_error()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\npackages: {add: [vim, curl], remove: [vim]}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue);

        Assert.Equal(Find(path, "vim"), error.Location);
    }

    [Fact]
    public void A_set_mapping_with_another_key_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\npackages: {ad: [vim]}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownKey);

        At(error, path, 3, 12);
        Assert.Contains("did you mean 'add'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Later_steps_are_appended()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "files: [{mkdir: /a}, {mkdir: /b}]", "files: [{mkdir: /c}]").Content;

        Assert.Equal(["/a", "/b", "/c"], FileOperands(content));
    }

    [Fact]
    public void A_step_with_an_earlier_id_replaces_it_in_place_and_remove_drops_it()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws,
            "files: [{id: a, mkdir: /a}, {id: b, mkdir: /b}, {id: c, mkdir: /c}]",
            "files:\n  - {id: b, mkdir: /bb}\n  - {id: c, remove: true}\n  - {mkdir: /d}").Content;

        Assert.Equal(["/a", "/bb", "/d"], FileOperands(content));
        Assert.Equal("b", Steps(content, "files")[1]["id"]!.ToString());
    }

    [Fact]
    public void Steps_are_found_by_id_through_four_layers_of_removals_replacements_and_additions()
    {
        // Each layer's merge goes on from the positions the layer before it left (Merger's step
        // index): a removal moves the steps behind it up, and later layers must find them there.
        using var ws = new DescriptionWorkspace();
        ws.Write("l1", "vse: 1\nname: l1\nfiles: [{id: a, mkdir: /a}, {id: b, mkdir: /b}, {id: c, mkdir: /c}, {id: d, mkdir: /d}]\n");
        ws.Write("l2", "vse: 1\nname: l2\nextends: l1\nfiles: [{id: b, remove: true}, {id: e, mkdir: /e}, {id: c, mkdir: /c2}]\n");
        ws.Write("l3", "vse: 1\nname: l3\nextends: l2\nfiles: [{id: a, remove: true}, {id: d, mkdir: /d3}, {id: f, mkdir: /f}]\n");
        ws.Write("l4", "vse: 1\nname: l4\nextends: l3\nfiles: [{id: e, mkdir: /e4}, {id: c, remove: true}, {id: a, mkdir: /a4}]\n");

        var content = ws.ResolveOk("l4").Content;

        Assert.Equal(["/d3", "/e4", "/f", "/a4"], FileOperands(content));
        Assert.Equal(["d", "e", "f", "a"], Steps(content, "files").Select(s => s["id"]!.ToString()));
    }

    [Fact]
    public void A_step_may_be_replaced_by_a_step_of_another_verb()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "files: [{id: motd, write: /etc/motd, content: hi}, {mkdir: /x}]", "files: [{id: motd, delete: /etc/motd}]").Content;

        var first = Steps(content, "files")[0];
        Assert.Equal("/etc/motd", first["delete"]!.ToString());
        Assert.Null(first["write"]);
        Assert.Null(first["content"]);
    }

    [Fact]
    public void Removing_an_unknown_step_id_is_a_warning()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("base", "vse: 1\nname: base\nbuild: [{id: compile, run: make}]\n");
        var path = ws.Write("app", "vse: 1\nname: app\nextends: base\nbuild:\n  - {id: test, remove: true}\n");

        var result = ws.Resolve("app");

        Assert.True(result.Succeeded);
        var warning = Single(result.Diagnostics, DiagnosticCodes.RemovedAbsentStep);
        Assert.Equal(Severity.Warning, warning.Severity);
        At(warning, path, 5, 5);
        Assert.Single(Steps(result.Description!.Content, "build"));
    }

    [Fact]
    public void Files_and_build_ids_are_separate()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "files: [{id: x, mkdir: /x}]\nbuild: [{id: x, run: make}]", "build: [{id: x, remove: true}]").Content;

        Assert.Single(Steps(content, "files"));
        Assert.Empty(Steps(content, "build"));
    }

    [Fact]
    public void A_bang_key_replaces_a_map_wholesale()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "env: {A: \"1\", B: \"2\"}\nboot: {cmdline: {quiet: true, thp: never}}", "env!: {C: \"3\"}\nboot:\n  cmdline!: {splash: false}").Content;

        Assert.Equal(new Dictionary<string, string> { ["C"] = "3" }, StringMap(content, "env"));
        Assert.Equal(new Dictionary<string, string> { ["splash"] = "false" }, StringMap(content, "boot.cmdline"));
    }

    [Fact]
    public void A_bang_key_replaces_a_set_wholesale()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "packages: [vim, nano, curl]", "packages!: [busybox]").Content;

        Assert.Equal(["busybox"], Members(content, "packages"));
    }

    [Fact]
    public void A_bang_key_replaces_a_step_list_wholesale()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "files: [{id: a, mkdir: /a}, {mkdir: /b}]", "files!: [{id: a, mkdir: /z}]").Content;

        Assert.Equal(["/z"], FileOperands(content));
    }

    [Fact]
    public void A_bang_key_with_an_empty_value_empties_it()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "packages: [vim]\nfiles: [{mkdir: /a}]\nenv: {A: a}", "packages!: []\nfiles!: []\nenv!: {}").Content;

        Assert.Null(content["packages"]);
        Assert.Null(content["files"]);
        Assert.Null(content["env"]);
    }

    [Fact]
    public void A_bang_key_on_a_struct_drops_the_keys_it_does_not_give()
    {
        using var ws = new DescriptionWorkspace();

        var content = Layered(ws, "deploy: {driver: vm, instances: 4, per_node: 2}", "deploy!: {instances: 8}").Content;

        Assert.Null(Get(content, "deploy.driver"));
        Assert.Null(Get(content, "deploy.per_node"));
        Assert.Equal(8, Int(content, "deploy.instances"));
    }

    [Fact]
    public void A_key_given_plain_and_with_bang_in_one_map_is_an_error()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nenv: {A: a}\nenv!: {B: b}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.ConflictingReplace);

        At(error, path, 4, 1);
    }

    [Fact]
    public void A_nested_key_given_plain_and_with_bang_is_an_error_too()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nboot:\n  cmdline!: {quiet: true}\n  cmdline: {splash: true}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.ConflictingReplace), path, 5, 3);
    }

    [Theory]
    [InlineData("extends!: base")]
    [InlineData("targets!: {}")]
    public void A_directive_cannot_take_a_bang(string entry)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\n" + entry + "\n");

        Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownKey);
    }

    [Fact]
    public void Empty_maps_sets_and_step_lists_are_dropped_recursively()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("a", "vse: 1\nname: app\nenv: {}\npackages: []\nfiles: []\nboot: {cmdline: {}}\n");
        ws.Write("b", "vse: 1\nname: app\n");

        var resolved = ws.ResolveOk("a");

        Assert.Equal(["name", "vse"], resolved.Content.Entries.Keys);
        Assert.Equal(ws.ResolveOk("b").Digest, resolved.Digest);
    }
}
