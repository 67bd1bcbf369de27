using Vse.Host.FileSystem;

namespace Vse.Build.Bases;

/// <summary>Chooses the provider for a base; every kind is listed here, explicitly.</summary>
public static class BaseProviders
{
    /// <param name="archiveStatesDirectory">Where a Debian base remembers its archive's last state; null: nowhere.</param>
    /// <param name="digests">Where digests of the host files a base is keyed by are remembered by their stat; null: hashed every time.</param>
    public static IBaseProvider For(BaseSpec spec, string scratchDirectory, string? archiveStatesDirectory = null, FileDigestCache? digests = null) => spec.Kind switch
    {
        "scratch" => new ScratchBase(),
        "busybox" => new BusyboxBase(scratchDirectory, digests),
        "debian" => new DebianBase(spec, archiveStatesDirectory),
        "tar" or "oci-archive" => new ArchiveBase(spec, digests),
        "rootfs" => new RootfsBase(spec, digests),
        "docker" => new Registry.RegistryBase(spec, scratchDirectory),
        "host" => throw new UnsupportedBaseException(
            "the 'host' base is the host's own root used read-only at run time; it cannot be built into an image (it arrives with the sandbox driver)"),
        _ => throw new UnsupportedBaseException($"unknown base '{spec}'"),
    };
}
