using Vse.State.Configurations;

namespace Vse.Deploy.Slurm;

/// <summary>
/// How a configuration's root filesystem reaches a node. The one route implemented is the shared
/// file system: the submit host's store is visible at the same path on the node, checked by the
/// image's own record of what it was built from (<c>/.vse/description.json</c>, whose digest is the
/// configuration's id) before anything starts on it. A node that does not see the store fails with
/// a clear reason; copying the image there (sbcast of an export) is not implemented (docs/slurm.md).
/// </summary>
public static class ImageStaging
{
    public const string SharedRoute = "shared";

    /// <summary>The configuration as the node will use it, and the route it came by.</summary>
    /// <exception cref="ImageStagingException">The image is not visible on this node, or is not the one built.</exception>
    public static (string Route, ConfigurationRecord Configuration) Stage(ConfigurationRecord configuration, string node)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var record = Path.Combine(configuration.RootfsPath, ".vse", "description.json");
        if (!File.Exists(record))
        {
            throw new ImageStagingException(
                $"node {node}: the image {configuration.RootfsPath} is not visible here (no file system shared with the submit host); vse submit needs the store on a shared file system");
        }

        if (File.ReadAllText(record).TrimEnd('\n') != configuration.DescriptionJson)
        {
            throw new ImageStagingException(
                $"node {node}: the image at {configuration.RootfsPath} is not configuration {configuration.Id} (its description differs): rebuilt or replaced since submission");
        }

        return (SharedRoute, configuration);
    }
}
