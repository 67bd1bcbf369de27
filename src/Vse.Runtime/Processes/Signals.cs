using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vse.Runtime.Processes;

/// <summary>Signals for processes .NET has no call for (it can only SIGKILL).</summary>
internal static partial class Signals
{

    /// <summary>
    /// How long the command gets to act on SIGTERM. Under the command line's own limit (2 s
    /// after Ctrl+C, System.CommandLine's default), after which vse exits whatever is running.
    /// </summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// SIGTERM to the runtime process, which passes it on to the command inside the instance
    /// (runc and crun forward the signals they get), so an <c>mpirun</c> there can stop its
    /// ranks; then, after <see cref="Grace"/>, SIGKILL to the runtime process and its children.
    /// </summary>
    public static async Task TerminateAsync(Process process)
    {
        if (!process.HasExited && Send(process.Id, Signal.Term))
        {
            using var grace = new CancellationTokenSource(Grace);
            try
            {
                await process.WaitForExitAsync(grace.Token);
                return;
            }
            catch (OperationCanceledException)
            {
            }
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None);
    }

    /// <returns>False when there is no such process (any more).</returns>
    public static bool Send(int pid, Signal signal) => Kill(pid, (int)signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
