namespace Vse.Runtime.Drivers;

/// <param name="Pid">The host PID of the instance's init, when it has one.</param>
public sealed record InstanceStatus(InstanceState State, int? Pid);
