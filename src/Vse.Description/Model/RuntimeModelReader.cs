using System.Collections.Immutable;
using System.Text.Json;

namespace Vse.Description.Model;

/// <summary>
/// Reads a <see cref="RuntimeModel"/> from canonical description JSON. Every value's kind is
/// checked: the description was validated when resolved, so a value of another kind means the
/// stored JSON was damaged, and that is an <see cref="InvalidDataException"/> naming the path.
/// </summary>
internal static class RuntimeModelReader
{
    public static RuntimeModel Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the description JSON is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Damaged("(the document)");
            }

            return new RuntimeModel(
                Env: Env(root),
                Mounts: Mounts(root),
                Resources: new ResourceLimits(
                    Int32(Member(root, "resources", "cpus"), "resources.cpus"), Int64(Member(root, "resources", "memory"), "resources.memory")),
                Network: new NetworkSettings(
                    Text(Member(root, "network", "mode"), "network.mode"), Text(Member(root, "network", "subnet"), "network.subnet"),
                    Text(Member(root, "network", "loopback"), "network.loopback") switch
                    {
                        null or "own" => false,
                        "shared" => true,
                        _ => throw Damaged("network.loopback"),
                    }),
                Services: Names(root, "services"),
                Deploy: new DeploySettings(
                    Text(Member(root, "deploy", "driver"), "deploy.driver"),
                    Int32(Member(root, "deploy", "instances"), "deploy.instances"),
                    Int32(Member(root, "deploy", "per_node"), "deploy.per_node"),
                    Text(Member(root, "deploy", "writes"), "deploy.writes") switch
                    {
                        null or "disk" => InstanceWrites.Disk,
                        "memory" => InstanceWrites.Memory,
                        _ => throw Damaged("deploy.writes"),
                    }),
                Kernel: Text(Member(root, "os", "kernel"), "os.kernel") is { } kernel ? new KernelReference(kernel, null) : null,
                BootCmdline: Cmdline(Member(root, "boot", "cmdline")),
                Run: Text(Member(root, "run"), "run"),
                Devices: Names(root, "devices"),
                Security: new SecuritySettings(
                    (Text(Member(root, "security", "seccomp"), "security.seccomp") ?? "default") == "unconfined",
                    Names(root, "security", "capabilities")),
                Directory: null)
            {
                Gpus = Text(Member(root, "gpus"), "gpus") is { } gpus ? GpuRequest.Parse(gpus) : null,
                HostMpi = Text(Member(root, "mpi"), "mpi") switch
                {
                    null or "image" => false,
                    "host" => true,
                    _ => throw Damaged("mpi"),
                },
            };
        }
    }

    private static ImmutableSortedDictionary<string, string> Env(JsonElement root)
    {
        var env = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var variable in Map(Member(root, "env"), "env"))
        {
            env[variable.Name] = Text(variable.Value, "env." + variable.Name) ?? throw Damaged("env." + variable.Name);
        }

        return env.ToImmutable();
    }

    private static List<RuntimeMount> Mounts(JsonElement root)
    {
        var mounts = new List<RuntimeMount>();
        foreach (var mount in Map(Member(root, "mounts"), "mounts").OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var path = "mounts." + mount.Name;
            if (mount.Value.ValueKind != JsonValueKind.Object)
            {
                throw Damaged(path);
            }

            var source = Text(Member(mount.Value, "source"), path + ".source") ?? throw Damaged(path + ".source");
            var mode = Text(Member(mount.Value, "mode"), path + ".mode") ?? "ro";
            mounts.Add(new RuntimeMount(mount.Name, source, mode switch
            {
                "ro" => true,
                "rw" => false,
                _ => throw Damaged(path + ".mode"),
            }));
        }

        return mounts;
    }

    private static List<KernelParameter> Cmdline(JsonElement? cmdline)
    {
        var parameters = new List<KernelParameter>();
        foreach (var entry in Map(cmdline, "boot.cmdline"))
        {
            parameters.Add(entry.Value.ValueKind switch
            {
                JsonValueKind.True => new KernelParameter(entry.Name, true, null),
                JsonValueKind.False or JsonValueKind.Null => new KernelParameter(entry.Name, false, null),
                JsonValueKind.String => new KernelParameter(entry.Name, true, entry.Value.GetString()),
                JsonValueKind.Number => new KernelParameter(entry.Name, true, entry.Value.GetRawText()),
                _ => throw Damaged("boot.cmdline." + entry.Name),
            });
        }

        return parameters;
    }

    private static List<string> Names(JsonElement root, params string[] keys)
    {
        var key = string.Join('.', keys);
        if (Member(root, keys) is not { } set)
        {
            return [];
        }

        if (set.ValueKind != JsonValueKind.Array)
        {
            throw Damaged(key);
        }

        return [.. set.EnumerateArray().Select(name => Text(name, key) ?? throw Damaged(key))];
    }

    /// <summary>The member at a path of object keys, or null where any of them is absent or JSON null.</summary>
    private static JsonElement? Member(JsonElement root, params string[] keys)
    {
        var element = root;
        foreach (var key in keys)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Damaged(string.Join('.', keys));
            }

            if (!element.TryGetProperty(key, out element) || element.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
        }

        return element;
    }

    private static IEnumerable<JsonProperty> Map(JsonElement? map, string path) => map switch
    {
        null => [],
        { ValueKind: JsonValueKind.Object } value => value.EnumerateObject(),
        _ => throw Damaged(path),
    };

    private static string? Text(JsonElement? value, string path) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        _ => throw Damaged(path),
    };

    private static int? Int32(JsonElement? value, string path) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var n) => n,
        _ => throw Damaged(path),
    };

    private static long? Int64(JsonElement? value, string path) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var n) => n,
        _ => throw Damaged(path),
    };

    private static InvalidDataException Damaged(string path) => new($"the description JSON has an invalid '{path}'");
}
