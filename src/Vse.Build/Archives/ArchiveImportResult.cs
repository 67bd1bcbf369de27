namespace Vse.Build.Archives;

/// <summary>What applying one layer did.</summary>
/// <param name="Fifos">FIFOs created (they need no privilege, so they are always created).</param>
/// <param name="Whiteouts"><c>.wh.NAME</c> entries applied (NAME removed from lower layers).</param>
/// <param name="OpaqueDirectories"><c>.wh..wh..opq</c> entries applied (lower contents removed).</param>
/// <param name="SkippedDeviceNodes">Character and block devices not created: not root, or the kernel refused (a user namespace).</param>
/// <param name="SkippedUnsupported">Entries of kinds an image does not use (sparse, multi-volume, ...).</param>
/// <param name="UnmappedOwners">Entries whose uid/gid this user namespace cannot represent; they keep the process's owner.</param>
/// <param name="Bytes">Bytes of regular file content written.</param>
public sealed record ArchiveImportResult(
    int Directories,
    int Files,
    int Symlinks,
    int HardLinks,
    int DeviceNodes,
    int Fifos,
    int Whiteouts,
    int OpaqueDirectories,
    int SkippedDeviceNodes,
    int SkippedUnsupported,
    int UnmappedOwners,
    long Bytes);
