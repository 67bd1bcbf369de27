using Vse.Runtime.Host;

namespace Vse.Runtime.Oci;

/// <summary>
/// What a runtime probe's outcome depends on: the binary (an upgrade replaces it, changing its
/// size or time), the kernel, the cgroup layout (crun 1.8 fails on hybrid, works on v2) and the
/// user (rootless runs fail where root's work). A cached outcome holds while its key is equal.
/// </summary>
/// <param name="BinaryPath">The binary after following symbolic links: a link can be pointed at another version.</param>
public sealed record OciProbeKey(string BinaryPath, long Size, long ModifiedTicksUtc, string KernelRelease, CgroupLayout CgroupLayout, uint EffectiveUid)
{
    /// <exception cref="FileNotFoundException">The binary is gone.</exception>
    public static OciProbeKey For(string binaryPath, HostIdentity host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var target = File.ResolveLinkTarget(binaryPath, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(binaryPath);
        var file = new FileInfo(target);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"the runtime binary {binaryPath} is gone", binaryPath);
        }

        return new OciProbeKey(target, file.Length, file.LastWriteTimeUtc.Ticks, host.KernelRelease, host.CgroupLayout, host.EffectiveUid);
    }
}
