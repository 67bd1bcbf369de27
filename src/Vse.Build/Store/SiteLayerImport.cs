using Vse.Build.Archives;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Locking;

namespace Vse.Build.Store;

/// <summary>
/// An ordinary user's own tree of a site layer, made once per site layer and user from the
/// archive the administrator's build published beside it (<see cref="LayerStore.ArchiveOf"/>),
/// and the parent the user's layers over that site layer start from (docs/install.md).
/// </summary>
/// <remarks>
/// Why a tree of the user's own and not the site layer itself under an overlay: in a user
/// namespace host root is unmapped, so every site file and directory shows as 65534's and the
/// overlay refuses writing into them (creating a file in <c>/var/lib/dpkg</c> gives EACCES,
/// measured here, docs/host-facts.md); and root-only nodes (<c>/etc/shadow</c>, <c>/root</c>)
/// cannot be read to be copied. The archive was written by root, so it holds those too, and
/// extracting it in the build namespace gives every file the image owner it has at the site
/// (root becomes the user, image id N the user's subordinate id). Device nodes cannot be made
/// there and are left out, as in every rootless build (the runtime brings <c>/dev</c>).
/// </remarks>
public static class SiteLayerImport
{
    /// <summary>The user's tree of the site layer <paramref name="key"/>, extracted from its archive the first time it is asked for.</summary>
    public static async Task<string> EnsureAsync(LayerStore own, LayerStore site, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(site);
        var rootfs = own.ImportOf(key);
        if (Nodes.TryGetStatus(rootfs) is { IsDirectory: true })
        {
            return rootfs;
        }

        await using var importLock = await StoreLock.AcquireAsync(own.LockFileFor("import-" + key), exclusive: true, cancellationToken);
        if (Nodes.TryGetStatus(rootfs) is { IsDirectory: true })
        {
            return rootfs;
        }

        var temporary = Path.Combine(own.TemporaryDirectory, $"import.{key}.{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temporary);
            await using (var archive = new FileStream(site.ArchiveOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                await ArchiveImporter.ApplyAsync(new ImageRoot(temporary), archive, cancellationToken);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(rootfs)!);
            Directory.Move(temporary, rootfs);
            return rootfs;
        }
        finally
        {
            if (Nodes.TryGetStatus(temporary) is not null)
            {
                TreeDeleter.Delete(temporary, CancellationToken.None);
            }
        }
    }
}
