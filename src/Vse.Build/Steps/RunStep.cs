using Vse.Build.FileSystem;
using Vse.Build.Online;
using Vse.Build.Reproducible;
using Vse.Host.FileSystem;
using Vse.Build.Layers;
using Vse.Description.Merge;
using Vse.Description.Model;

namespace Vse.Build.Steps;

/// <summary>
/// A <c>build</c> step: <c>/bin/sh -c COMMAND</c> run by the image's own shell inside the
/// image, with the description's <c>env</c> and the step's own <c>env</c> on top. Both belong to
/// the step's canonical form, as they change what it builds. An <c>online: true</c> step runs in a
/// temporary instance of the configuration built so far instead (<see cref="IOnlineStepRunner"/>);
/// its changes become its layer all the same, cached under the same key rules (docs/online.md).
/// </summary>
public sealed record RunStep(MapValue Body, IReadOnlyDictionary<string, string> DescriptionEnvironment)
    : SandboxStep("run " + ((ScalarValue)Body["run"]!).AsString)
{
    public override string Canonical =>
        CanonicalJson.Serialize(Body.With("environment", MapValue.Of(
            DescriptionEnvironment.Select(e => KeyValuePair.Create(e.Key, (DescriptionValue)ScalarValue.Of(e.Value))))));

    /// <summary>Whether the step needs a running instance (<c>online: true</c>).</summary>
    public bool Online => (Body["online"] as ScalarValue)?.AsBoolean == true;

    public override async Task RunAsync(StepContext context, CancellationToken cancellationToken)
    {
        if (!Online)
        {
            await base.RunAsync(context, cancellationToken);
            return;
        }

        var parent = context.ParentRootfs ?? throw new InvalidOperationException($"'{Title}' needs a layer below it");
        if (context.Online is not { } runner || context.Model is not { } model)
        {
            throw new StepFailedException("an online step needs a running instance, which this build cannot start");
        }

        CheckParent(parent);
        await runner.RunAsync(
            new OnlineStepRequest(context.Name, parent, model, Command(context), UpperOf(context), Path.Combine(context.Scratch, "online"), context.OnOutputLine, context.OnWarning),
            cancellationToken);
    }

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

            // Before the description's env, which may set its own.
            [ReproducibleTree.SourceDateEpoch.Key] = ReproducibleTree.SourceDateEpoch.Value,
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
