using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Model;
using Vse.Description.Provenance;

namespace Vse.Description.Tests.Provenance;

public sealed class ProvenanceEstimateTests
{
    private static readonly SourceLocation At = new("f.vse.yaml", 1, 1);

    private static MapPatchEntry Entry(string key, Patch value) => new(key, At, Replace: false, value);

    private static MapPatch Map(params MapPatchEntry[] entries) => new(entries, At);

    private static ScalarPatch Scalar(string text) => new(ScalarValue.Of(text), At);

    private static Layer Layer(MapPatch body, IReadOnlyDictionary<string, MapPatch>? targets = null) =>
        new("l", "/l.vse.yaml", Trusted: false, body, targets ?? new Dictionary<string, MapPatch>(), Policy: null);

    [Fact]
    public void Every_scalar_removal_set_member_and_step_of_every_layer_and_target_counts_once()
    {
        var body = Map(
            Entry("run", Scalar("make")),
            Entry("env", Map(Entry("A", Scalar("1")), Entry("B", new RemovePatch(At)))),
            Entry("packages", new SetPatch([new SetMember("vim", At), new SetMember("git", At)], [new SetMember("nano", At)], At)),
            Entry("files", new StepsPatch([new StepPatch("s", "s", Remove: false, MapValue.Empty, At)], At)));
        var target = Map(Entry("deploy", Map(Entry("instances", Scalar("4")))));

        var paths = ProvenanceEstimate.Paths([Layer(body), Layer(Map(Entry("run", Scalar("test"))), new Dictionary<string, MapPatch> { ["gpu"] = target })]);

        // run, env.A, env.B, three members, one step; run again; deploy.instances.
        Assert.Equal(1 + 2 + 3 + 1 + 1 + 1, paths);
    }

    [Fact]
    public void No_layers_expect_no_paths()
    {
        Assert.Equal(0, ProvenanceEstimate.Paths([]));
    }
}
