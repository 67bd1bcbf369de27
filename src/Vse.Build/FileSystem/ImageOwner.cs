namespace Vse.Build.FileSystem;

/// <summary>
/// Numeric owner of a file in an image. Names are not resolved here: the image's own
/// /etc/passwd decides what a name means, which is the build step's concern.
/// </summary>
public sealed record ImageOwner(uint Uid, uint Gid)
{
    public static ImageOwner Root { get; } = new(0, 0);

    public override string ToString() => $"{Uid}:{Gid}";
}
