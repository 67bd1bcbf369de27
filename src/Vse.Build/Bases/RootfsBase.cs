using Vse.Build.Digests;
using Vse.Host.Processes;

namespace Vse.Build.Bases;

/// <summary>
/// <c>rootfs:PATH</c>: an existing root filesystem directory, copied (owners, modes, links,
/// xattrs kept) so that later changes to it do not reach built layers. Cached by its content digest.
/// </summary>
public sealed class RootfsBase(BaseSpec spec) : IBaseProvider
{
    public async Task<string> IdentityAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(spec.Argument))
        {
            throw new DirectoryNotFoundException($"base root filesystem '{spec.Argument}' is not a directory");
        }

        return "rootfs:" + await ContentDigest.OfTreeAsync(spec.Argument, cancellationToken);
    }

    public async Task CreateAsync(string rootfs, Action<string>? onOutputLine, CancellationToken cancellationToken)
    {
        var cp = ExternalTool.Require("cp", "coreutils");
        await ExternalTool.RunAsync(cp, ["-a", "--no-target-directory", spec.Argument.TrimEnd('/') + "/.", rootfs], cancellationToken);
    }
}
