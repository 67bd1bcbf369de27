using System.Globalization;
using System.Text.Json.Nodes;
using Vse.Build.Exports;
using Vse.Deploy.Preparation;
using Vse.Description.Model;
using Vse.Runtime.Drivers;
using Vse.Runtime.Sandbox;
using Vse.State.Configurations;

namespace Vse.Deploy.DevContainers;

/// <summary>
/// A built configuration as a Dev Containers definition (containers.dev, <c>devcontainer.json</c>):
/// an image of the configuration whose command is the instance's own init (the description's
/// services start as they do in a sandbox), and the settings a deployment gives an instance:
/// the env, the mounts deploy-time policy granted, the user (root, as in an instance), the
/// hostname and the resource limits as host requirements. The editor's workspace is bound at
/// <see cref="WorkspaceFolder"/>.
/// </summary>
public static class DevContainer
{
    /// <summary>Where the editor's project folder appears inside the container.</summary>
    public const string WorkspaceFolder = "/workspace";

    /// <summary>
    /// The name the image is loaded under (docs/devcontainer.md says how): in the <c>localhost</c>
    /// namespace, so neither podman nor docker ever tries to pull it from a registry; tagged with
    /// the configuration id, so a changed description is a new image.
    /// </summary>
    public static string ImageName(ConfigurationRecord configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return $"localhost/vse/{InstanceSpecs.Label(configuration.Name)}:{configuration.Id}";
    }

    /// <summary>What the exported image says about itself: the instance's init as its command.</summary>
    public static ExportedImageConfig ImageConfig(ConfigurationRecord configuration, RuntimeModel model)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(model);
        return new ExportedImageConfig(configuration.Name, configuration.DescriptionDigest, InstanceSpecs.Env(model), SandboxDriver.InitArgs(model.Services), WorkspaceFolder);
    }

    /// <summary>The <c>devcontainer.json</c> document.</summary>
    /// <param name="mounts">The mounts deploy-time policy granted (<see cref="PreparedDeployment.GrantedMounts"/>).</param>
    /// <exception cref="DeploymentRequestException">A mount path has a comma, which the <c>--mount</c> syntax the format uses cannot carry.</exception>
    public static JsonObject Definition(ConfigurationRecord configuration, RuntimeModel model, IReadOnlyList<InstanceMount> mounts)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(mounts);
        var environment = new JsonObject();
        foreach (var (key, value) in InstanceSpecs.Env(model))
        {
            environment[key] = value;
        }

        var definition = new JsonObject
        {
            ["name"] = configuration.Name,
            ["image"] = ImageName(configuration),
            ["containerEnv"] = environment,
            ["mounts"] = new JsonArray([.. mounts.Select(m => (JsonNode)MountText(m))]),
            ["workspaceFolder"] = WorkspaceFolder,
            ["workspaceMount"] = $"type=bind,source=${{localWorkspaceFolder}},target={WorkspaceFolder}",
            // The image's command is the instance's init: it starts the services and stays up.
            ["overrideCommand"] = false,
            ["containerUser"] = "root",
            ["remoteUser"] = "root",
            ["runArgs"] = new JsonArray("--hostname", $"{InstanceSpecs.Label(configuration.Name)}-0"),
            ["customizations"] = new JsonObject
            {
                ["vse"] = new JsonObject
                {
                    ["configuration"] = configuration.Id,
                    ["descriptionDigest"] = configuration.DescriptionDigest,
                },
            },
        };
        if (HostRequirements(model.Resources) is { } requirements)
        {
            definition["hostRequirements"] = requirements;
        }

        return definition;
    }

    private static JsonObject? HostRequirements(ResourceLimits resources)
    {
        if (resources.Cpus is null && resources.MemoryBytes is null)
        {
            return null;
        }

        var requirements = new JsonObject();
        if (resources.Cpus is { } cpus)
        {
            requirements["cpus"] = cpus;
        }

        if (resources.MemoryBytes is { } memory)
        {
            // The format's sizes are digits with an optional tb/gb/mb/kb; plain bytes are exact.
            requirements["memory"] = memory.ToString(CultureInfo.InvariantCulture);
        }

        return requirements;
    }

    /// <summary>A mount in docker's <c>--mount</c> syntax, the only form of the format that can say read-only.</summary>
    private static string MountText(InstanceMount mount)
    {
        foreach (var path in new[] { mount.Source, mount.Target })
        {
            if (path.Contains(',', StringComparison.Ordinal))
            {
                throw new DeploymentRequestException($"mount '{path}': a Dev Containers mount cannot name a path with a comma");
            }
        }

        return $"type=bind,source={mount.Source},target={mount.Target}" + (mount.ReadOnly ? ",readonly" : "");
    }
}
