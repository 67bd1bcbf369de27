namespace Vse.Build.Images;

/// <summary>An OCI platform: which image to take from an index that holds several.</summary>
public sealed record ImagePlatform(string Os, string Architecture, string? Variant = null)
{
    public static ImagePlatform LinuxAmd64 { get; } = new("linux", "amd64");

    /// <summary>Whether an index entry's platform is this one; a variant is compared only when this one names it.</summary>
    public bool Matches(string? os, string? architecture, string? variant) =>
        string.Equals(Os, os, StringComparison.Ordinal)
        && string.Equals(Architecture, architecture, StringComparison.Ordinal)
        && (Variant is null || string.Equals(Variant, variant, StringComparison.Ordinal));

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
