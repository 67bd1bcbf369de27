using Vse.Host.Processes;

namespace Vse.Build.Kernels;

/// <summary>
/// Debian kernel packages through apt's ordinary clients: which image package and version a name
/// stands for (<c>apt-cache show</c>), and its files, fetched and unpacked without installing
/// anything (<c>apt-get download</c>, <c>dpkg-deb -x</c>; works unprivileged too).
/// </summary>
internal static class KernelPackage
{
    private const string ImagePrefix = "linux-image-";

    /// <summary>A metapackage chain is one or two links long (linux-image-amd64 -> linux-image-6.1.0-NN-amd64); more means a loop.</summary>
    private const int MaxLinks = 4;

    /// <summary>
    /// The image package <paramref name="name"/> stands for and its version: a metapackage is
    /// followed through its <c>linux-image-*</c> dependency. Debian's metapackages pin it exactly
    /// (<c>linux-image-6.1.0-56-amd64 (= 6.1.192-2)</c>), so one apt-cache call usually does.
    /// </summary>
    public static async Task<(string Name, string Version)> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var aptCache = ExternalTool.Require("apt-cache", "apt");
        var current = name;
        for (var link = 0; link < MaxLinks; link++)
        {
            var result = await ExternalTool.RunUncheckedAsync(aptCache, ["show", "--no-all-versions", current], cancellationToken);
            var fields = FirstStanza(result.Stdout);
            if (result.ExitCode != 0 || !fields.TryGetValue("Version", out var version))
            {
                var why = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
                throw new KernelSourceException($"os.kernel package:{name}: apt has no package {current}{(why is null ? "" : " (" + why + ")")}");
            }

            if (ImageDependency(fields.GetValueOrDefault("Depends", ""), current) is not { } next)
            {
                return (fields.GetValueOrDefault("Package", current), version);
            }

            // A versioned image name with an exact version is the image package itself: no second call (~1 s where apt keeps no cache).
            if (next.Version is { } exact && next.Name.Length > ImagePrefix.Length && char.IsAsciiDigit(next.Name[ImagePrefix.Length]))
            {
                return (next.Name, exact);
            }

            current = next.Name;
        }

        throw new KernelSourceException($"os.kernel package:{name}: no kernel image package after {MaxLinks} metapackages");
    }

    /// <summary>Downloads the package into <paramref name="directory"/> and unpacks it into <c>DIRECTORY/root</c>.</summary>
    /// <returns>The unpacked tree.</returns>
    public static async Task<string> FetchAsync(string name, string version, string directory, CancellationToken cancellationToken)
    {
        var aptGet = ExternalTool.Require("apt-get", "apt");
        var dpkgDeb = ExternalTool.Require("dpkg-deb", "dpkg");
        Directory.CreateDirectory(directory);
        await ExternalTool.RunAsync(aptGet, ["download", $"{name}={version}"], cancellationToken, workingDirectory: directory);
        var deb = Directory.EnumerateFiles(directory, "*.deb").Single();
        var root = Path.Combine(directory, "root");
        await ExternalTool.RunAsync(dpkgDeb, ["-x", deb, root], cancellationToken);
        File.Delete(deb);
        return root;
    }

    /// <summary>The first <c>linux-image-*</c> package among the dependencies (first alternative of each), with its exact version when pinned with <c>=</c>.</summary>
    internal static (string Name, string? Version)? ImageDependency(string depends, string self)
    {
        foreach (var clause in depends.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var alternative = clause.Split('|')[0].Trim();
            var parenthesis = alternative.IndexOf('(', StringComparison.Ordinal);
            var dependency = (parenthesis < 0 ? alternative : alternative[..parenthesis]).Trim().Split(':')[0];
            if (!dependency.StartsWith(ImagePrefix, StringComparison.Ordinal) || dependency == self)
            {
                continue;
            }

            string? version = null;
            if (parenthesis >= 0)
            {
                var constraint = alternative[(parenthesis + 1)..].TrimEnd(')').Trim();
                if (constraint.StartsWith('=') && !constraint.StartsWith("=>", StringComparison.Ordinal))
                {
                    version = constraint[1..].Trim();
                }
            }

            return (dependency, version);
        }

        return null;
    }

    /// <summary>The fields of apt-cache's first stanza (continuation lines are not needed for the fields read).</summary>
    private static Dictionary<string, string> FirstStanza(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0)
                {
                    break;
                }

                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !char.IsWhiteSpace(line[0]))
            {
                fields.TryAdd(line[..colon], line[(colon + 1)..].Trim());
            }
        }

        return fields;
    }
}
