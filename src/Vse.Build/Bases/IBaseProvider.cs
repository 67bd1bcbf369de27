namespace Vse.Build.Bases;

/// <summary>Makes the first layer of an image from a <see cref="BaseSpec"/>.</summary>
public interface IBaseProvider
{
    /// <summary>
    /// What identifies the content this base will produce, for its cache key: a package
    /// version, an archive's digest, a directory's content digest.
    /// </summary>
    Task<string> IdentityAsync(CancellationToken cancellationToken);

    /// <summary>Fills <paramref name="rootfs"/> (an empty directory) with the base.</summary>
    Task CreateAsync(string rootfs, Action<string>? onOutputLine, CancellationToken cancellationToken);
}
