using Vse.Build.Layers;
using Vse.Build.Reproducible;
using Vse.Build.Rootless;

namespace Vse.Build.Steps;

/// <summary>
/// A step that runs a command inside the image (packages, build commands). The command runs
/// over an overlay of the parent layer (<see cref="OverlaySandbox"/>); what it changed is then
/// folded into the clone of the parent (<see cref="UpperDirectoryApplier"/>), less what only
/// the clock or chance made (<see cref="VolatileFiles"/>).
/// </summary>
public abstract record SandboxStep(string Title) : BuildStep(Title)
{
    public override bool NeedsSandbox => true;

    /// <summary>
    /// The revisions of the rules its changes pass through (<see cref="VolatileFiles.Revision"/>,
    /// <see cref="UpperDirectoryApplier.Revision"/>): a layer cached under older rules kept what
    /// they now take out, so it must not be reused.
    /// </summary>
    public override Task<string> InputDigestAsync(CancellationToken cancellationToken) =>
        Task.FromResult(VolatileFiles.Revision + " " + UpperDirectoryApplier.Revision);

    protected abstract ImageCommand Command(StepContext context);

    /// <summary>Checks, before anything runs, that the parent layer can run this step.</summary>
    protected virtual void CheckParent(string parentRootfs)
    {
    }

    /// <summary>Runs the command; the caller clones the parent into the new layer afterwards and calls <see cref="ApplyAsync"/>.</summary>
    public virtual async Task RunAsync(StepContext context, CancellationToken cancellationToken)
    {
        var parent = context.ParentRootfs ?? throw new InvalidOperationException($"'{Title}' needs a layer below it");
        if (BuildNamespace.WhyNotRoot("steps that run inside the image (packages, build)") is { } reason)
        {
            throw new StepFailedException(reason);
        }

        CheckParent(parent);
        await OverlaySandbox.RunAsync(
            parent, UpperOf(context), Path.Combine(context.Scratch, "work"), Path.Combine(context.Scratch, "merged"),
            Path.Combine(context.Scratch, "seccomp.bpf"), Command(context), context.OnOutputLine, cancellationToken);
    }

    public override Task ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        VolatileFiles.Normalise(UpperOf(context), cancellationToken);
        UpperDirectoryApplier.Apply(UpperOf(context), context.Rootfs, cancellationToken);
        return Task.CompletedTask;
    }

    protected static string UpperOf(StepContext context) => Path.Combine(context.Scratch, "upper");
}
