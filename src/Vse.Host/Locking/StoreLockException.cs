namespace Vse.Host.Locking;

/// <summary>The lock file cannot be opened or locked for a reason other than another holder (permissions, file system).</summary>
public sealed class StoreLockException(string path, int errno)
    : Exception($"cannot lock {path}: {new System.ComponentModel.Win32Exception(errno).Message} (errno {errno})")
{
    public string LockPath { get; } = path;

    public int Errno { get; } = errno;
}
