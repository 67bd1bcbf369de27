namespace Vse.Runtime.Drivers;

/// <summary>One instance of a bulk start (<see cref="IStartsMany"/>): started (handle and PID) or not (why).</summary>
public sealed record StartOutcome(InstanceSpec Spec, InstanceHandle? Handle, int? Pid, string? Failure);
