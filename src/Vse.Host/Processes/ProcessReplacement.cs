using Microsoft.Win32.SafeHandles;
using Vse.Host.Interop;

namespace Vse.Host.Processes;

/// <summary>
/// This process replacing itself with another program (<c>execv</c>): same PID, same standard
/// streams, no .NET left to wait for it or to exit after it. What <c>vse run</c> does last on the
/// launcher path, where the launcher both runs the command and removes the run when it ends.
/// </summary>
public static class ProcessReplacement
{
    /// <summary>
    /// Becomes <paramref name="program"/>; returns never, throws when it cannot. No signal stays
    /// blocked (a thread of .NET's may block some; a blocked signal stays blocked across exec).
    /// </summary>
    /// <param name="emptyInput">Standard input becomes <c>/dev/null</c> first: what a child given an unread pipe would see.</param>
    /// <exception cref="IOException">The program could not be run.</exception>
    public static void Exec(string program, IReadOnlyList<string> arguments, bool emptyInput)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(arguments);
        if (emptyInput)
        {
            using SafeFileHandle nothing = File.OpenHandle("/dev/null");
            if (Libc.Dup2((int)nothing.DangerousGetHandle(), 0) < 0)
            {
                throw Libc.LastError("dup2 onto standard input", "/dev/null");
            }
        }

        Libc.PthreadSigmask(Libc.SigSetMask, new byte[Libc.SigsetBytes], IntPtr.Zero);
        Libc.Execv(program, [program, .. arguments, null]);
        throw Libc.LastError("execv", program);
    }
}
