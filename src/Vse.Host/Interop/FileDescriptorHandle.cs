using System.Runtime.InteropServices;

namespace Vse.Host.Interop;

/// <summary>A raw descriptor from <see cref="Libc.Open"/>, closed exactly once even if its owner is never disposed.</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle(int fd)
        : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    public int Descriptor => (int)handle;

    // Closing drops any flock held through this descriptor: release needs no separate call.
    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
