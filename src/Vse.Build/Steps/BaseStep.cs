using Vse.Build.Bases;

namespace Vse.Build.Steps;

/// <summary>The first layer: the base the description names.</summary>
public sealed record BaseStep(BaseSpec Spec, IBaseProvider Provider) : BuildStep($"base {Spec}")
{
    public override string Canonical => $$"""{"base":{{Json.Quote(Spec.ToString())}},"variant":{{Json.Quote(Spec.Variant)}},"mirror":{{Json.Quote(Spec.Mirror ?? "")}}}""";

    public override Task<string> InputDigestAsync(CancellationToken cancellationToken) => Provider.IdentityAsync(cancellationToken);

    public override Task ApplyAsync(StepContext context, CancellationToken cancellationToken) =>
        Provider.CreateAsync(context.Rootfs, context.OnOutputLine, cancellationToken);
}
