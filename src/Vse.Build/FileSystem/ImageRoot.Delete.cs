using Vse.Host.FileSystem;

namespace Vse.Build.FileSystem;

public sealed partial class ImageRoot
{
    /// <summary>
    /// Removes <paramref name="imagePath"/> and, for a directory, everything below it. A
    /// symlink is removed as a link (its target stays), here and anywhere inside the tree.
    /// </summary>
    /// <returns>False when nothing was there, which is not an error.</returns>
    /// <exception cref="UnsafePathException">The path is the image root, or climbs above it.</exception>
    public bool Delete(string imagePath, CancellationToken cancellationToken = default)
    {
        if (ImagePath.Normalize(imagePath) == ImagePath.Root)
        {
            throw new UnsafePathException(imagePath, "is the image root itself; an image cannot delete its own root");
        }

        return TreeDeleter.Delete(ResolveNoFollow(imagePath, cancellationToken), cancellationToken);
    }
}
