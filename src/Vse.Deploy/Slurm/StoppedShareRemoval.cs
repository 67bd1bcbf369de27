namespace Vse.Deploy.Slurm;

/// <summary>
/// Removing a node's share while Slurm stops the job, tried again when an attempt fails. Slurm
/// signals every process of the job's steps, not only vse: the tools vse runs (the OCI runtime,
/// umount) get the signal too. At the time limit it sends SIGTERM twice (the limit's, then the job's
/// termination, a fraction of a second to seconds apart on a loaded node; scancel sends one), so the
/// second one can kill a tool of the removal the first one started, and that attempt fails. A
/// removal can be repeated (each step checks what is still there), and Slurm sends nothing more
/// until SIGKILL, KillWait later: the next attempt runs with no signal in flight.
/// </summary>
public static class StoppedShareRemoval
{
    /// <summary>One attempt per SIGTERM Slurm may send while removing, and one with none in flight.</summary>
    public const int Attempts = 3;

    /// <summary>Runs <paramref name="remove"/> until it succeeds, at most <see cref="Attempts"/> times.</summary>
    /// <param name="failed">Told each failed attempt that will be tried again (its number from 1, and why).</param>
    /// <exception cref="Exception">The last attempt's failure, when every attempt failed.</exception>
    public static async Task RunAsync(Func<Task> remove, Action<int, Exception>? failed)
    {
        ArgumentNullException.ThrowIfNull(remove);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await remove();
                return;
            }
            catch (Exception e) when (attempt < Attempts && e is not OutOfMemoryException)
            {
                failed?.Invoke(attempt, e);
            }
        }
    }
}
