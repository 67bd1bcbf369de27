namespace Vse.Build.Steps;

/// <summary>
/// One step of a build, as a value: its canonical JSON is part of its layer's cache key, with
/// the parent's key and the digest of its inputs (DESIGN §3). A step that runs something in
/// the image says so with <see cref="NeedsSandbox"/>: it gets an overlay over the parent instead
/// of a clone to change in place.
/// </summary>
public abstract record BuildStep(string Title)
{
    /// <summary>The step's canonical JSON.</summary>
    public abstract string Canonical { get; }

    public virtual bool NeedsSandbox => false;

    /// <summary>The digest of everything outside the description the step reads (copied files, a base's identity).</summary>
    public virtual Task<string> InputDigestAsync(CancellationToken cancellationToken) => Task.FromResult("");

    public abstract Task ApplyAsync(StepContext context, CancellationToken cancellationToken);
}
