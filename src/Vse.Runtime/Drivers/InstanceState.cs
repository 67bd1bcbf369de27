namespace Vse.Runtime.Drivers;

/// <summary>Where an instance is in the life cycle described on <see cref="IDriver"/>.</summary>
public enum InstanceState
{
    /// <summary>The driver knows nothing of it (never created, or removed).</summary>
    Missing,
    Created,
    Running,
    Paused,
    Stopped,
}
