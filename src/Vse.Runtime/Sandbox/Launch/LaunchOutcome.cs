using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>One instance of a bulk launch: started (handle and PID) or not (why).</summary>
public sealed record LaunchOutcome(InstanceSpec Spec, InstanceHandle? Handle, int? Pid, string? Failure);
