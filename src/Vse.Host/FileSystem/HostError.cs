using System.Runtime.InteropServices;

namespace Vse.Host.FileSystem;

/// <summary>
/// The errno values callers of <see cref="NodeOperations"/> tell apart, and the exception that
/// names a failed operation (its <see cref="Exception.HResult"/> is the errno).
/// </summary>
public static class HostError
{
    public const int NotPermitted = 1;
    public const int NoSuchFile = 2;
    public const int AlreadyExists = 17;
    public const int TooManySymlinks = 40;
    public const int InvalidArgument = 22;
    public const int NotSupported = 95;

    /// <summary>"<paramref name="operation"/> '<paramref name="path"/>': the system's message for <paramref name="errno"/>".</summary>
    public static IOException Of(int errno, string operation, string path) =>
        new($"{operation} '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
}
