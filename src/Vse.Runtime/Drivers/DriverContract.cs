using System.Text;

namespace Vse.Runtime.Drivers;

/// <summary>
/// The rules of <see cref="IDriver"/> that every driver applies the same way, written once so
/// the drivers cannot drift apart: what an empty command is, how a missing command answers, and
/// how a stop waits for the instance to end.
/// </summary>
public static class DriverContract
{
    /// <summary>The exit code of a command that does not exist in the instance, as a shell gives it.</summary>
    public const int CommandNotFound = 127;

    /// <summary>An empty command is the caller's mistake, not the instance's: refused before anything runs.</summary>
    /// <param name="operation">What needs it, for the message (<c>exec</c>, <c>run</c>).</param>
    /// <exception cref="ArgumentException">The request has no command.</exception>
    public static void RequireCommand(ExecRequest request, string operation = "exec")
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Argv.Count == 0)
        {
            throw new ArgumentException($"{operation} needs a command", nameof(request));
        }
    }

    /// <summary>
    /// What a one-shot run (<see cref="IRunsOnce"/>) asks of its request on every driver: a command,
    /// and no terminal (one is for an exec into a deployed instance).
    /// </summary>
    /// <returns><paramref name="spec"/> with the request's environment over the instance's: the command's first process has both.</returns>
    public static InstanceSpec RunOnceSpec(string driverName, InstanceSpec spec, ExecRequest request)
    {
        RequireCommand(request, "run");
        if (request.Tty)
        {
            throw new DriverCapabilityMissingException(driverName, "run a one-shot command with a terminal", "deploy, then exec -t");
        }

        var env = new Dictionary<string, string>(spec.Env);
        foreach (var (key, value) in request.Env ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        return spec with { Env = env };
    }

    /// <summary>
    /// A shell's answer to a command that does not exist: a line on the request's stderr (when it
    /// has one) and <see cref="CommandNotFound"/>, whatever told the driver so (a runtime's log, the guest agent).
    /// </summary>
    public static async Task<int> CommandNotFoundAsync(ExecRequest request, CancellationToken cancellationToken)
    {
        if (request.Stderr is { } stderr)
        {
            await stderr.WriteAsync(Encoding.UTF8.GetBytes($"{request.Argv[0]}: command not found in the instance\n"), cancellationToken);
        }

        return CommandNotFound;
    }

    /// <summary>
    /// Waits for an instance (or one of its processes) to end, looking again after 1, 2, 4 ms and so on up to <paramref name="interval"/>:
    /// how a stop waits after its polite and its forced signal.
    /// </summary>
    /// <returns>True when <paramref name="ended"/> said so within <paramref name="timeout"/>.</returns>
    public static async Task<bool> WaitEndedAsync(
        Func<CancellationToken, Task<bool>> ended, TimeSpan timeout, TimeSpan interval, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var attempt = 0; !await ended(cancellationToken); attempt++)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            // 1, 2, 4, 8 ms ... up to the interval: what is stopped usually ends within a
            // millisecond or two, and a flat interval made every one-shot run wait it out.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(interval.TotalMilliseconds, 1 << Math.Min(attempt, 10))), cancellationToken);
        }

        return true;
    }
}
