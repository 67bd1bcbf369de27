using System.Text;
using Vse.Description.Model;
using Vse.Description.Policy;

namespace Vse.Runtime.Drivers;

/// <summary>
/// Builds an <see cref="InstanceSpec"/> from the <see cref="RuntimeModel"/> of a configuration's
/// description: an instance's name and directories from the deployment, everything else from the model.
/// </summary>
public static class InstanceSpecs
{
    public const string DescriptionPath = ".vse/description.json";

    private const int MaxHostnameLength = 63;

    /// <summary>The spec from a built configuration's own <c>/.vse/description.json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is damaged (<see cref="RuntimeModel.FromCanonicalJson"/>).</exception>
    public static async Task<InstanceSpec> FromConfigurationAsync(
        string rootfs, string stateDirectory, int index, string deploymentName, CancellationToken cancellationToken)
    {
        var json = await File.ReadAllTextAsync(Path.Combine(rootfs, DescriptionPath), cancellationToken);
        return FromModel(RuntimeModel.FromCanonicalJson(json), rootfs, stateDirectory, index, deploymentName);
    }

    public static InstanceSpec FromModel(RuntimeModel model, string rootfs, string stateDirectory, int index, string deploymentName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var name = Label(deploymentName) + "-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var hostname = name.Length <= MaxHostnameLength ? name : name[^MaxHostnameLength..].TrimStart('-');
        return new InstanceSpec(
            Id: name,
            Hostname: hostname,
            Rootfs: rootfs,
            StateDirectory: stateDirectory,
            Env: Env(model),
            Mounts: [.. model.Mounts.Select(m => new InstanceMount(m.Target, m.Source, m.ReadOnly))],
            Cpus: model.Resources.Cpus,
            MemoryBytes: model.Resources.MemoryBytes,
            Network: model.Network.Mode is { } mode ? NetworkModes.Parse(mode) : NetworkMode.None,
            Services: model.Services,
            Security: model.Security.IsDefault ? null : model.Security,
            // The node site policy checked: the canonical path (a link under /dev resolved).
            Devices: model.Devices.Count == 0 ? null : [.. model.Devices.Select(d => new InstanceDevice(d, HostPaths.Canonicalize(d)))]);
    }

    /// <summary>A host name label from a deployment name: lower-case letters, digits and dashes.</summary>
    public static string Label(string name)
    {
        var label = new StringBuilder();
        foreach (var character in name.ToLowerInvariant())
        {
            label.Append(char.IsAsciiLetterOrDigit(character) ? character : '-');
        }

        var text = label.ToString().Trim('-');
        return text.Length == 0 ? "vse" : text;
    }

    /// <summary>The description's env, with the usual PATH when it sets none (as <c>runc spec</c> does): commands are found by name.</summary>
    public static Dictionary<string, string> Env(RuntimeModel model)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = Vse.Build.Layers.ImageCommand.DefaultPath };
        foreach (var (name, value) in model.Env)
        {
            env[name] = value;
        }

        return env;
    }
}
