using Vse.Build.Bases;
using Vse.Description.Merge;

namespace Vse.Build.Steps;

/// <summary>The first layer: the base the description names.</summary>
public sealed record BaseStep(BaseSpec Spec, IBaseProvider Provider) : BuildStep($"base {Spec.LocationFree}")
{
    public override string Canonical => $$"""{"base":{{CanonicalJson.Quote(Spec.CacheName)}},"variant":{{CanonicalJson.Quote(Spec.Variant)}},"mirror":{{CanonicalJson.Quote(Spec.Mirror ?? "")}}}""";

    public override Task<string> InputDigestAsync(CancellationToken cancellationToken) => Provider.IdentityAsync(cancellationToken);

    public override Task ApplyAsync(StepContext context, CancellationToken cancellationToken) =>
        Provider.CreateAsync(context.Rootfs, context.OnOutputLine, cancellationToken);
}
