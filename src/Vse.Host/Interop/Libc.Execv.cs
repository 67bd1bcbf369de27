using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

internal static partial class Libc
{
    /// <summary><c>execv</c>: this process becomes <paramref name="path"/>, with this environment; returns only on failure.</summary>
    /// <param name="argv">The arguments, the program's name first, ending with null.</param>
    [LibraryImport(LibraryName, EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Execv(string path, string?[] argv);
}
