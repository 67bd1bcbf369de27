namespace Vse.Description.Interop;

/// <summary>The file type bits of a stat mode (S_IFMT), with the names a message can use.</summary>
internal enum HostFileType
{
    Fifo = 0x1000,
    CharacterDevice = 0x2000,
    Directory = 0x4000,
    BlockDevice = 0x6000,
    RegularFile = 0x8000,
    Symlink = 0xA000,
    Socket = 0xC000,
}
