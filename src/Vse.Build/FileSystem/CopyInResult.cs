namespace Vse.Build.FileSystem;

/// <summary>What <see cref="ImageRoot.CopyInAsync"/> copied.</summary>
/// <param name="SkippedSpecialFiles">Sockets, FIFOs and devices in the host tree, which are not copied.</param>
public sealed record CopyInResult(int Files, int Directories, int Symlinks, int SkippedSpecialFiles, long Bytes);
