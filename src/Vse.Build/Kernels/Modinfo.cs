using System.Text;

namespace Vse.Build.Kernels;

/// <summary>A module's <c>.modinfo</c> section: NUL-separated <c>key=value</c> strings that modpost writes, <c>depends=</c> among them.</summary>
internal static class Modinfo
{
    /// <returns>The names of the modules <paramref name="modulePath"/> (an uncompressed <c>.ko</c>) needs loaded first.</returns>
    /// <exception cref="InvalidDataException">The file is not a module.</exception>
    public static async Task<IReadOnlyList<string>> DependenciesAsync(string modulePath, CancellationToken cancellationToken)
    {
        var section = await Elf64.ReadSectionAsync(modulePath, ".modinfo", cancellationToken)
            ?? throw new InvalidDataException($"'{modulePath}' is not a kernel module (no .modinfo section)");
        return Dependencies(section);
    }

    public static IReadOnlyList<string> Dependencies(ReadOnlySpan<byte> modinfo)
    {
        foreach (var entry in Encoding.UTF8.GetString(modinfo).Split('\0'))
        {
            if (entry.StartsWith("depends=", StringComparison.Ordinal))
            {
                return [.. entry["depends=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ModuleInfo.Normalize)];
            }
        }

        return [];
    }
}
