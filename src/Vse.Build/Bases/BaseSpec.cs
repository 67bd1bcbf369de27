namespace Vse.Build.Bases;

/// <summary>What an image starts from: <c>os.base</c> (with <c>os.variant</c> and <c>os.mirror</c> for Debian).</summary>
/// <param name="Kind">scratch, host, busybox, debian, oci-archive, rootfs, tar or docker.</param>
/// <param name="Argument">The suite for debian, an absolute host path for the archive kinds, <c>//HOST[:PORT]/NAME…</c> for docker, else empty.</param>
public sealed record BaseSpec(string Kind, string Argument, string Variant, string? Mirror)
{
    public const string DefaultVariant = "minbase";

    /// <param name="relativeTo">The directory a relative archive or rootfs path is relative to (the file that named it).</param>
    public static BaseSpec Parse(string text, string? variant, string? mirror, string relativeTo)
    {
        var colon = text.IndexOf(':');
        var kind = colon < 0 ? text : text[..colon];
        var argument = colon < 0 ? "" : text[(colon + 1)..];
        if (kind is "oci-archive" or "rootfs" or "tar")
        {
            argument = Path.GetFullPath(Path.Combine(relativeTo, argument));
        }

        return new BaseSpec(kind, argument, variant ?? DefaultVariant, mirror);
    }

    public override string ToString() => Argument.Length == 0 ? Kind : $"{Kind}:{Argument}";

    /// <summary>
    /// The base as the lock file and step titles name it: an archive or rootfs by its file
    /// name only, since its content digest is the layer's input and its directory on the
    /// building host must not make two clones of a repository differ.
    /// </summary>
    public string LocationFree => Kind is "oci-archive" or "rootfs" or "tar" ? $"{Kind}:{Path.GetFileName(Argument)}" : ToString();

    /// <summary>
    /// What of the base enters its layer's key besides its identity: its location-free name, but
    /// for a registry image only that it is one, since its identity (the manifest digest) is all
    /// of it; the same image by tag, by digest or from a mirror is one layer.
    /// </summary>
    public string CacheName => Kind == "docker" ? Kind : LocationFree;
}
