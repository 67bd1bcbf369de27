using Vse.Build.Reproducible;
using Vse.Host.Processes;

namespace Vse.Build.Exports;

/// <summary>The <c>squashfs</c> export, through mksquashfs.</summary>
internal static class SquashfsExport
{
    // Best first: zstd decompresses several times faster than xz at a similar ratio, which
    // matters when thousands of ranks start from one image; gzip is built into every mksquashfs.
    private static readonly string[] PreferredCompressors = ["zstd", "xz", "gzip"];

    /// <summary>
    /// mksquashfs's default zstd level is 15. Measured on a 52 MB tree (bench/RESULTS.md),
    /// level 9 builds about 5 times faster for an image 7% larger, and decompression speed,
    /// which is what compute nodes pay, does not depend on the level.
    /// </summary>
    private const string ZstdLevel = "9";

    private const string OneFileSystemOption = "-one-file-system";

    private static readonly SemaphoreSlim ProbeLock = new(1, 1);
    private static string? compressor;
    private static bool supportsOneFileSystem;

    public static async Task WriteAsync(string rootfs, string output, CancellationToken cancellationToken)
    {
        var mksquashfs = ExternalTool.Require("mksquashfs", "squashfs-tools");
        var (compression, oneFileSystem) = await CapabilitiesAsync(mksquashfs, cancellationToken);

        // mksquashfs keeps owners, modes, times, xattrs and hard links by default, and stores a
        // symlink as a link (never following one inside the tree). Both paths are absolute, so
        // neither can be read as an option (mksquashfs knows no "--").
        List<string> arguments = [rootfs, output, "-noappend", "-comp", compression, "-quiet", "-no-progress", .. ReproducibleTree.SquashfsArguments];
        if (oneFileSystem)
        {
            // Stay in the tree's file system, as every walk of an image does (mksquashfs 4.5 and later).
            arguments.Add(OneFileSystemOption);
        }

        if (compression == "zstd")
        {
            arguments.AddRange(["-Xcompression-level", ZstdLevel]);
        }

        await ExternalTool.RunAsync(
            mksquashfs,
            arguments,
            cancellationToken,
            environment: ToolEnvironment.With(ReproducibleTree.SquashfsEnvironment));
    }

    // Which compressors and options exist depends on how and when squashfs-tools was built; its help lists them.
    private static async Task<(string Compressor, bool OneFileSystem)> CapabilitiesAsync(string mksquashfs, CancellationToken cancellationToken)
    {
        await ProbeLock.WaitAsync(cancellationToken);
        try
        {
            if (compressor is null)
            {
                var help = await ExternalTool.RunUncheckedAsync(mksquashfs, ["-help"], cancellationToken, environment: ToolEnvironment.CLocale);
                var text = help.Stdout + "\n" + help.Stderr;
                var available = AvailableCompressors(text);
                supportsOneFileSystem = text.Contains(OneFileSystemOption, StringComparison.Ordinal);
                compressor = PreferredCompressors.FirstOrDefault(available.Contains) ?? "gzip";
            }

            return (compressor, supportsOneFileSystem);
        }
        finally
        {
            ProbeLock.Release();
        }
    }

    /// <summary>
    /// The first word of each line under "Compressors available:", up to the next option line
    /// ("gzip (default)" gives "gzip").
    /// </summary>
    internal static HashSet<string> AvailableCompressors(string help)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var inList = false;
        foreach (var line in help.Split('\n'))
        {
            var trimmed = line.Trim();
            if (!inList)
            {
                inList = trimmed.StartsWith("Compressors available", StringComparison.Ordinal);
                continue;
            }

            if (trimmed.StartsWith('-'))
            {
                break;
            }

            if (trimmed.Length > 0)
            {
                names.Add(trimmed.Split(' ', '\t')[0]);
            }
        }

        return names;
    }
}
