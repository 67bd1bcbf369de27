using Vse.Build.Digests;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Build.Bases;

/// <summary>
/// <c>rootfs:PATH</c>: an existing root filesystem directory, copied (owners, modes, links,
/// xattrs kept) so that later changes to it do not reach built layers. Cached by its content digest.
/// </summary>
/// <param name="digests">Where the tree's file digests are remembered by their stat; null: hashed every time.</param>
public sealed class RootfsBase(BaseSpec spec, FileDigestCache? digests = null) : IBaseProvider
{
    public async Task<string> IdentityAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(spec.Argument))
        {
            throw new DirectoryNotFoundException($"base root filesystem '{spec.Argument}' is not a directory");
        }

        return "rootfs:" + await ContentDigest.OfTreeAsync(spec.Argument, digests, cancellationToken);
    }

    public async Task CreateAsync(string rootfs, Action<string>? onOutputLine, CancellationToken cancellationToken)
    {
        var cp = ExternalTool.Require("cp", "coreutils");
        await ExternalTool.RunAsync(cp, ["-a", "--no-target-directory", spec.Argument.TrimEnd('/') + "/.", rootfs], cancellationToken);
    }
}
