namespace Vse.State.Deployments;

/// <summary>
/// Where a deployment or one of its instances is in its life. Stored by name, so members may be
/// added but never renamed.
/// </summary>
public enum LifecycleState
{
    /// <summary>Recorded, not yet (known to be) started. A deployment still here after its vse died was interrupted.</summary>
    Creating,

    Running,

    /// <summary>Frozen (cgroup freezer or paused VM).</summary>
    Suspended,

    /// <summary>Being stopped and cleaned up.</summary>
    Stopping,

    /// <summary>Starting or running failed; what is left must still be cleaned up.</summary>
    Failed,

    /// <summary>Stopped, with its writable state removed; nothing of it remains on the host.</summary>
    CleanedUp,
}
