using System.Text.RegularExpressions;

namespace Vse.Build.Kernels;

/// <summary>
/// The kernel a VM boots, as <c>os.kernel</c> names it: <c>package:NAME</c> (a Debian package such
/// as <c>linux-image-amd64</c>; a metapackage is followed to the image package it depends on) or
/// <c>path:FILE</c> (a vmlinuz/bzImage or an uncompressed ELF vmlinux on the host).
/// </summary>
/// <remarks>
/// A <c>path:</c> kernel has modules only by convention, so the syntax needs no second value: when
/// FILE's directory has a sibling <c>lib/modules/RELEASE</c> (FILE's own release), as
/// <c>/boot/vmlinuz-R</c> has <c>/lib/modules/R</c> and an unpacked package tree has too, the boot
/// modules are taken from there; otherwise the kernel must have what it needs built in.
/// </remarks>
/// <param name="Argument">The package name, or the absolute path of the file.</param>
public sealed partial record KernelSource(KernelSourceKind Kind, string Argument)
{
    public const string PackagePrefix = "package:";

    public const string PathPrefix = "path:";

    /// <param name="text">The value of <c>os.kernel</c>.</param>
    /// <param name="relativeTo">The directory a relative FILE is relative to (that of the description file that names it).</param>
    /// <exception cref="KernelSourceException">The text is neither form, or its argument is unusable.</exception>
    public static KernelSource Parse(string text, string relativeTo)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(relativeTo);
        if (text.StartsWith(PackagePrefix, StringComparison.Ordinal))
        {
            var name = text[PackagePrefix.Length..];
            // Debian policy's package name syntax; it also keeps the name from reading as an apt option.
            return PackageName().IsMatch(name)
                ? new KernelSource(KernelSourceKind.Package, name)
                : throw new KernelSourceException($"os.kernel '{text}': '{name}' is not a Debian package name (lower-case letters, digits, '+', '-', '.'; at least two characters, starting with a letter or digit)");
        }

        if (text.StartsWith(PathPrefix, StringComparison.Ordinal))
        {
            var file = text[PathPrefix.Length..];
            if (file.Length == 0 || file.Any(char.IsControl))
            {
                throw new KernelSourceException($"os.kernel '{text}': expected path:FILE with a file name");
            }

            return new KernelSource(KernelSourceKind.Path, Path.GetFullPath(Path.Combine(relativeTo, file)));
        }

        throw new KernelSourceException($"os.kernel '{text}': expected package:NAME (a Debian kernel package, e.g. package:linux-image-amd64) or path:FILE (a vmlinuz or vmlinux)");
    }

    public override string ToString() => (Kind == KernelSourceKind.Package ? PackagePrefix : PathPrefix) + Argument;

    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+\\z")]
    private static partial Regex PackageName();
}
