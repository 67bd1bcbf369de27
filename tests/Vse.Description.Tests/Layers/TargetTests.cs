using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Layers;

public sealed class TargetTests
{
    private static DescriptionWorkspace SiteWithClusterTarget(string app)
    {
        var ws = new DescriptionWorkspace();
        ws.Write("hpc", """
            vse: 1
            name: hpc
            deploy: {driver: sandbox, instances: 1, per_node: 1}
            targets:
              cluster: {deploy: {driver: vm, instances: 16, per_node: 4}}
            """);
        ws.Write("app", app);
        return ws;
    }

    [Fact]
    public void A_target_block_is_applied_right_after_its_layer_so_a_later_layer_still_overrides_it()
    {
        using var ws = SiteWithClusterTarget("vse: 1\nname: app\nextends: hpc\ndeploy: {instances: 4}\n");

        var content = ws.ResolveOk("app", target: "cluster").Content;

        Assert.Equal("vm", Str(content, "deploy.driver")); // from hpc's cluster block
        Assert.Equal(4, Int(content, "deploy.per_node")); // from hpc's cluster block
        Assert.Equal(4, Int(content, "deploy.instances")); // app's plain value wins over hpc's block
    }

    [Fact]
    public void A_layer_wins_over_a_base_target_block_by_declaring_the_target_itself()
    {
        using var ws = SiteWithClusterTarget("""
            vse: 1
            name: app
            extends: hpc
            deploy: {instances: 4}
            targets:
              cluster: {deploy: {instances: 32}}
            """);

        Assert.Equal(32, Int(ws.ResolveOk("app", target: "cluster").Content, "deploy.instances"));
    }

    [Fact]
    public void Without_a_target_every_target_block_is_ignored()
    {
        using var ws = SiteWithClusterTarget("vse: 1\nname: app\nextends: hpc\ndeploy: {instances: 4}\n");

        var resolved = ws.ResolveOk("app");

        Assert.Equal("sandbox", Str(resolved.Content, "deploy.driver"));
        Assert.Equal(1, Int(resolved.Content, "deploy.per_node"));
        Assert.Null(resolved.Target);
    }

    [Fact]
    public void A_target_that_no_layer_declares_is_an_error_listing_the_declared_ones()
    {
        using var ws = SiteWithClusterTarget("vse: 1\nname: app\nextends: hpc\n");

        var error = Single(ws.ResolveFails("app", target: "frontier"), DiagnosticCodes.UnknownTarget);

        At(error, ws.PathOf("app"), 1, 1);
        Assert.Contains("'frontier'", error.Message, StringComparison.Ordinal);
        Assert.Contains("cluster", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_target_block_declares_the_target()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\ntargets:\n  laptop: {}\n");

        Assert.Equal("laptop", ws.ResolveOk("app", target: "laptop").Target);
    }

    [Theory]
    [InlineData("name: other")]
    [InlineData("policy: {lock: [env]}")]
    [InlineData("vse: 1")]
    [InlineData("extends: base")]
    [InlineData("targets: {x: {}}")]
    public void A_target_block_may_not_contain_a_directive_or_the_name(string entry)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", $"vse: 1\nname: app\ntargets:\n  cluster:\n    {entry}\n");

        At(Single(ws.ResolveFails("app", target: "cluster"), DiagnosticCodes.UnknownKey), path, 5, 5);
    }

    [Fact]
    public void A_target_block_is_checked_against_the_schema_even_when_not_chosen()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\ntargets:\n  cluster: {deploy: {instances: many}}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.WrongType), path, 4, 33);
    }

    [Fact]
    public void An_unselected_target_may_use_a_variable_only_its_systems_set()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\ntargets:\n  cluster: {env: {JOB: \"${env.SLURM_JOB_ID}\"}}\n  laptop: {}\n");

        ws.ResolveOk("app");
        ws.ResolveOk("app", target: "laptop");
        At(Single(ws.ResolveFails("app", target: "cluster"), DiagnosticCodes.UnsetEnvironmentVariable), path, 4, 24);
        ws.Environment["SLURM_JOB_ID"] = "42";
        Assert.Equal("42", Str(ws.ResolveOk("app", target: "cluster").Content, "env.JOB"));
    }

    [Fact]
    public void An_unselected_target_is_still_checked_for_every_other_problem()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\ntargets:\n  cluster: {env: {JOB: \"${nope}\"}, deploy: {drivr: vm}}\n");

        Codes(ws.ResolveFails("app"), DiagnosticCodes.UnknownVariable, DiagnosticCodes.UnknownKey);
    }

    [Fact]
    public void A_target_name_must_be_a_name()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\ntargets:\n  Big_Cluster: {}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue), path, 4, 3);
    }

    [Fact]
    public void Steps_without_id_in_a_target_block_are_appended_after_the_layer_steps()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", """
            vse: 1
            name: app
            files: [{mkdir: /a}]
            targets:
              cluster: {files: [{mkdir: /b}]}
            """);

        var files = Steps(ws.ResolveOk("app", target: "cluster").Content, "files");

        Assert.Equal(["/a", "/b"], files.Select(f => f["mkdir"]!.ToString()));
    }
}
