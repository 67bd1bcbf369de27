namespace Vse.Build;

public enum BuildEventKind
{
    /// <summary>The step's layer is already in the store.</summary>
    Cached,

    /// <summary>The step's layer is in the site store: used where it lies.</summary>
    CachedAtSite,
    Started,

    /// <summary>A line the step's tool printed.</summary>
    Output,

    /// <summary>Something about the step's layer the user should know (in <see cref="BuildEvent.Line"/>): always shown.</summary>
    Warning,
    Finished,
}

/// <summary>Progress of a build, for the CLI to show; the library prints nothing itself.</summary>
/// <param name="Index">The step's position, from 1.</param>
public sealed record BuildEvent(BuildEventKind Kind, int Index, int Count, string Title, TimeSpan Elapsed = default, string? Line = null);
