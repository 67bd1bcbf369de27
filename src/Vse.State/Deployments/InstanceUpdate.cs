namespace Vse.State.Deployments;

/// <summary>An instance's new state and host pid (null once it has no process).</summary>
public sealed record InstanceUpdate(int Index, LifecycleState State, int? Pid);
