using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    /// <summary><c>SIG_SETMASK</c>: the mask becomes the set given.</summary>
    internal const int SigSetMask = 2;

    /// <summary>The size of glibc's <c>sigset_t</c> (1,024 bits), all zero: no signal.</summary>
    internal const int SigsetBytes = 128;

    [LibraryImport(LibraryName, EntryPoint = "pthread_sigmask")]
    public static partial int PthreadSigmask(int how, byte[] set, IntPtr oldSet);
}
