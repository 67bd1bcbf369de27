using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Steps;

/// <summary>The exact installed versions, read from the image's dpkg status file (nothing runs).</summary>
public static class InstalledPackages
{
    /// <summary>dpkg's database of what is installed, in an image.</summary>
    public const string StatusFile = "/var/lib/dpkg/status";

    public static async Task<SortedDictionary<string, string>> ReadAsync(ImageRoot root, CancellationToken cancellationToken)
    {
        var packages = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetStatus(StatusFile, cancellationToken) is null)
        {
            return packages;
        }

        // Only a regular file is read: an image whose status file is a link to its own
        // /dev/zero, or a FIFO, would otherwise make the build read forever.
        var hostPath = root.Resolve(StatusFile, cancellationToken);
        if (Nodes.TryGetStatus(hostPath) is not { Type: NodeType.RegularFile })
        {
            throw new IOException($"the image's {StatusFile} is not a regular file; its package list cannot be read");
        }

        return await ReadStatusFileAsync(hostPath, HostOpen.Rule.Follow, null, cancellationToken);
    }

    /// <summary>Package name to version of every installed package in a dpkg status file (a regular file only), opened by <paramref name="rule"/>, below <paramref name="directory"/> when given.</summary>
    public static async Task<SortedDictionary<string, string>> ReadStatusFileAsync(
        string path, HostOpen.Rule rule, System.Runtime.InteropServices.SafeHandle? directory, CancellationToken cancellationToken)
    {
        var packages = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var reader = new StreamReader(HostOpen.ReadRegularFile(path, rule, directory));
        string? name = null, version = null;
        var installed = false;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            if (string.IsNullOrEmpty(line))
            {
                if (name is not null && version is not null && installed)
                {
                    packages[name] = version;
                }

                (name, version, installed) = (null, null, false);
                if (line is null)
                {
                    return packages;
                }

                continue;
            }

            if (line.StartsWith("Package: ", StringComparison.Ordinal))
            {
                name = line[9..].Trim();
            }
            else if (line.StartsWith("Version: ", StringComparison.Ordinal))
            {
                version = line[9..].Trim();
            }
            else if (line.StartsWith("Status: ", StringComparison.Ordinal))
            {
                installed = line.EndsWith(" installed", StringComparison.Ordinal);
            }
        }
    }
}
