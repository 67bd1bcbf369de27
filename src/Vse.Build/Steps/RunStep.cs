using System.Collections.Immutable;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Layers;
using Vse.Description.Merge;
using Vse.Description.Model;

namespace Vse.Build.Steps;

/// <summary>
/// A <c>build</c> step: <c>/bin/sh -c COMMAND</c> run by the image's own shell inside the
/// image, with the description's <c>env</c> and the step's own <c>env</c> on top. Both belong to
/// the step's canonical form, as they change what it builds. <c>online: true</c> steps run in the
/// same build sandbox for now (see docs/build.md).
/// </summary>
public sealed record RunStep(MapValue Body, IReadOnlyDictionary<string, string> DescriptionEnvironment)
    : SandboxStep("run " + ((ScalarValue)Body["run"]!).AsString)
{
    public override string Canonical =>
        CanonicalJson.Serialize(Body.With("environment", new MapValue(
            DescriptionEnvironment.ToImmutableSortedDictionary(e => e.Key, e => (DescriptionValue)ScalarValue.Of(e.Value), StringComparer.Ordinal))));

    protected override void CheckParent(string parentRootfs)
    {
        if (new ImageRoot(parentRootfs).TryGetStatus("/bin/sh") is null)
        {
            throw new StepFailedException("the image has no /bin/sh to run build steps with");
        }
    }

    protected override ImageCommand Command(StepContext context)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = ImageCommand.DefaultPath,
            ["HOME"] = "/root",
        };
        foreach (var (key, value) in DescriptionEnvironment)
        {
            environment[key] = value;
        }

        if (Body["env"] is MapValue stepEnvironment)
        {
            foreach (var (key, value) in stepEnvironment.Entries)
            {
                environment[key] = ((ScalarValue)value).AsString!;
            }
        }

        var workdir = (Body["workdir"] as ScalarValue)?.AsString ?? "/";
        return new ImageCommand(["/bin/sh", "-c", ((ScalarValue)Body["run"]!).AsString!], workdir, environment);
    }
}
