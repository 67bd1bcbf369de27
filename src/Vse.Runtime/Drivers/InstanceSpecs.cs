using System.Text;
using System.Text.Json;

namespace Vse.Runtime.Drivers;

/// <summary>
/// Builds an <see cref="InstanceSpec"/> from a configuration's <c>/.vse/description.json</c>
/// (the canonical resolved description the build wrote). The description was validated when it
/// was resolved, so a value of the wrong shape here means a damaged configuration, not a user
/// mistake: it is an <see cref="InvalidDataException"/>.
/// </summary>
public static class InstanceSpecs
{
    public const string DescriptionPath = ".vse/description.json";

    private const int MaxHostnameLength = 63;

    public static async Task<InstanceSpec> FromConfigurationAsync(
        string rootfs, string stateDirectory, int index, string deploymentName, CancellationToken cancellationToken)
    {
        var json = await File.ReadAllTextAsync(Path.Combine(rootfs, DescriptionPath), cancellationToken);
        return FromDescription(json, rootfs, stateDirectory, index, deploymentName);
    }

    public static InstanceSpec FromDescription(string descriptionJson, string rootfs, string stateDirectory, int index, string deploymentName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        using var document = JsonDocument.Parse(descriptionJson);
        var root = document.RootElement;
        var name = Label(deploymentName) + "-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var hostname = name.Length <= MaxHostnameLength ? name : name[^MaxHostnameLength..].TrimStart('-');
        return new InstanceSpec(
            Id: name,
            Hostname: hostname,
            Rootfs: rootfs,
            StateDirectory: stateDirectory,
            Env: Env(root),
            Mounts: Mounts(root),
            Cpus: Member(root, "resources", "cpus") is { } cpus ? cpus.GetInt32() : null,
            MemoryBytes: Member(root, "resources", "memory") is { } memory ? memory.GetInt64() : null,
            Network: Member(root, "network", "mode") is { } mode ? NetworkModes.Parse(mode.GetString()!) : NetworkMode.None,
            Services: root.TryGetProperty("services", out var services)
                ? [.. services.EnumerateArray().Select(service => service.GetString() ?? throw Damaged("services"))]
                : []);
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
    private static Dictionary<string, string> Env(JsonElement root)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = Vse.Build.Layers.ImageCommand.DefaultPath };
        if (root.TryGetProperty("env", out var map))
        {
            foreach (var variable in map.EnumerateObject())
            {
                env[variable.Name] = variable.Value.GetString() ?? throw Damaged("env." + variable.Name);
            }
        }

        return env;
    }

    private static List<InstanceMount> Mounts(JsonElement root)
    {
        var mounts = new List<InstanceMount>();
        if (root.TryGetProperty("mounts", out var map))
        {
            foreach (var mount in map.EnumerateObject())
            {
                var source = mount.Value.TryGetProperty("source", out var s) ? s.GetString() : null;
                var mode = mount.Value.TryGetProperty("mode", out var m) ? m.GetString() : "ro";
                if (source is null || mode is not ("ro" or "rw"))
                {
                    throw Damaged("mounts." + mount.Name);
                }

                mounts.Add(new InstanceMount(mount.Name, source, mode == "ro"));
            }
        }

        return mounts;
    }

    private static JsonElement? Member(JsonElement root, string map, string key) =>
        root.TryGetProperty(map, out var inner) && inner.ValueKind == JsonValueKind.Object && inner.TryGetProperty(key, out var value)
            && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    private static InvalidDataException Damaged(string path) =>
        new($"the configuration's description.json has an invalid '{path}'");
}
