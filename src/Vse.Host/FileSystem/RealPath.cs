using Vse.Host.Interop;

namespace Vse.Host.FileSystem;

/// <summary>Where a host path leads, as the kernel resolves it.</summary>
public static class RealPath
{
    /// <summary>realpath(3): the canonical path with every symlink and <c>..</c> resolved, or null if it does not exist.</summary>
    public static string? Of(string path) => Libc.Realpath(path);
}
