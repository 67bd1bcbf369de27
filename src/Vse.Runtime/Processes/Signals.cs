using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vse.Runtime.Processes;

/// <summary>Ends a runtime process the way a user's Ctrl+C would, before forcing it.</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

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
        if (!process.HasExited && Kill(process.Id, SigTerm) == 0)
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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
