namespace Vse.Runtime.Drivers;

/// <summary>
/// A driver whose one-shot run (<see cref="IRunsOnce"/>) can be the rest of the calling process's
/// life: one program that runs the command with the caller's own standard streams, exits with its
/// code, and removes everything of the run when it exits, however it exits (the instance's
/// state, its cgroups, then the run's record). The caller then neither waits nor cleans up:
/// <c>vse run</c> becomes that program (docs/runtime.md, "run").
/// </summary>
public interface IHandsOffOnce : IRunsOnce
{
    /// <summary>
    /// Prepares the instance (its state directory, its cgroups when it has limits) and says what to
    /// become. When this throws, or the caller does not become the program after all, the caller
    /// removes the instance as after any failed run.
    /// </summary>
    /// <param name="record">The file that records the run, removed last by the program.</param>
    /// <param name="failureExitCode">The program's exit code when it fails itself (not the command).</param>
    ProcessHandoff HandOffOnce(InstanceSpec spec, ExecRequest request, string record, int failureExitCode);
}
