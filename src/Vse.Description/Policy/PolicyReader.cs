using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Model;
using Vse.Description.Schema;
using Vse.Description.Syntax;

namespace Vse.Description.Policy;

/// <summary>
/// Reads a <c>policy:</c> block; whether the layer may carry one is decided by the caller. Policy
/// strings are taken literally: <c>${env.X}</c> in an allow-list would let the user widen it.
/// </summary>
internal sealed class PolicyReader(PatchReader reader)
{
    private static readonly string[] PolicyKeys = ["lock", "allow", "deny", "limits"];
    private static readonly ScalarSchema Glob = new(ScalarKind.String, Path: PathKind.HostPath);
    private static readonly ScalarSchema DeviceGlob = new(ScalarKind.String, Pattern: DescriptionSchema.DeviceGlobPattern(), PatternDescription: "a glob of device paths under /dev/ (e.g. /dev/fuse, /dev/nvidia*)");
    private static readonly ScalarSchema DriverName = DescriptionSchema.Driver;
    // Only a relaxation can be allowed: "default" is what every description has anyway.
    private static readonly ScalarSchema SeccompRelaxation = new(ScalarKind.String, Choices: ["unconfined"]);
    private static readonly ScalarSchema MpiSource = new(ScalarKind.String, Choices: ["image", "host"]);
    private static readonly ScalarSchema PackageName = new(ScalarKind.String, Pattern: DescriptionSchema.PackagePattern(), PatternDescription: "a Debian package name");

    public PolicyRules? Read(SyntaxNode node)
    {
        if (reader.ExpectMapping(node, "policy") is not { } mapping)
        {
            return null;
        }

        var locks = new List<LockedPath>();
        IReadOnlyList<Located<string>>? allowMounts = null;
        IReadOnlyList<Located<string>>? allowDrivers = null;
        IReadOnlyList<Located<string>>? allowSeccomp = null;
        IReadOnlyList<Located<string>>? allowCapabilities = null;
        IReadOnlyList<Located<string>>? allowDevices = null;
        IReadOnlyList<Located<string>>? allowMpi = null;
        IReadOnlyList<Located<string>> denyPackages = [];
        var limits = new List<PolicyLimit>();
        foreach (var entry in mapping.Entries)
        {
            switch (entry.Key.Text)
            {
                case "lock":
                    foreach (var item in Strings(entry.Value, "policy.lock", DescriptionSchema.String))
                    {
                        if (ParseLock(item) is { } locked)
                        {
                            locks.Add(locked);
                        }
                    }

                    break;
                case "allow":
                    foreach (var (key, value) in Section(entry.Value, "policy.allow", ["mounts", "drivers", "seccomp", "capabilities", "devices", "mpi"]))
                    {
                        var path = $"policy.allow.{key}";
                        switch (key)
                        {
                            case "mounts":
                                allowMounts = Strings(value, path, Glob);
                                break;
                            case "drivers":
                                allowDrivers = Strings(value, path, DriverName);
                                break;
                            case "seccomp":
                                allowSeccomp = Strings(value, path, SeccompRelaxation);
                                break;
                            case "devices":
                                allowDevices = Strings(value, path, DeviceGlob);
                                break;
                            case "mpi":
                                allowMpi = Strings(value, path, MpiSource);
                                break;
                            default:
                                allowCapabilities = Strings(value, path, DescriptionSchema.Capability);
                                break;
                        }
                    }

                    break;
                case "deny":
                    foreach (var (_, value) in Section(entry.Value, "policy.deny", ["packages"]))
                    {
                        denyPackages = Strings(value, "policy.deny.packages", PackageName);
                    }

                    break;
                case "limits":
                    limits.AddRange(ReadLimits(entry.Value));
                    break;
                default:
                    reader.Diagnostics.Error(DiagnosticCodes.UnknownKey, entry.Key.Location,
                        $"unknown key 'policy.{entry.Key.Text}'{Suggestions.DidYouMean(entry.Key.Text, PolicyKeys)}");
                    break;
            }
        }

        return new PolicyRules(reader.LayerName, node.Location, locks, allowMounts, allowDrivers, denyPackages, limits)
        {
            AllowSeccomp = allowSeccomp,
            AllowCapabilities = allowCapabilities,
            AllowDevices = allowDevices,
            AllowMpi = allowMpi,
        };
    }

    private IEnumerable<(string Key, SyntaxNode Value)> Section(SyntaxNode node, string path, string[] keys)
    {
        if (reader.ExpectMapping(node, path) is not { } mapping)
        {
            yield break;
        }

        foreach (var entry in mapping.Entries)
        {
            if (keys.Contains(entry.Key.Text))
            {
                yield return (entry.Key.Text, entry.Value);
            }
            else
            {
                reader.Diagnostics.Error(DiagnosticCodes.UnknownKey, entry.Key.Location,
                    $"unknown key '{path}.{entry.Key.Text}'{Suggestions.DidYouMean(entry.Key.Text, keys)}");
            }
        }
    }

    private List<Located<string>> Strings(SyntaxNode node, string path, ScalarSchema schema)
    {
        var result = new List<Located<string>>();
        if (reader.ExpectSequence(node, path) is not { } sequence)
        {
            return result;
        }

        foreach (var item in sequence.Items)
        {
            if (reader.ReadString(schema, item, path) is { } text)
            {
                result.Add(new Located<string>(text, item.Location));
            }
        }

        return result;
    }

    private IEnumerable<PolicyLimit> ReadLimits(SyntaxNode node)
    {
        if (reader.ExpectMapping(node, "policy.limits") is not { } mapping)
        {
            yield break;
        }

        foreach (var entry in mapping.Entries)
        {
            var path = entry.Key.Text;
            if (!DescriptionSchema.Limitable.TryGetValue(path, out var schema))
            {
                reader.Diagnostics.Error(DiagnosticCodes.InvalidPolicyPath, entry.Key.Location,
                    $"'{path}' cannot be limited (limitable: {string.Join(", ", DescriptionSchema.Limitable.Keys)}){Suggestions.DidYouMean(path, DescriptionSchema.Limitable.Keys)}");
                continue;
            }

            if (reader.ReadScalar(schema, entry.Value, $"policy.limits.{path}")?.AsInteger is { } maximum)
            {
                yield return new PolicyLimit(path, maximum, entry.Value.Location);
            }
        }
    }

    /// <summary>
    /// Splits a dotted lock path along the schema. Below a map with free keys (e.g. <c>mounts</c>)
    /// the rest of the path is one key, since keys such as <c>/opt/app.d</c> contain dots; a last
    /// segment that names a field of the entry (<c>mounts./lustre.mode</c>) is that field.
    /// </summary>
    private LockedPath? ParseLock(Located<string> text)
    {
        var parts = text.Value.Split('.');
        var segments = new List<string>();
        SchemaNode schema = DescriptionSchema.Body;
        for (var i = 0; i < parts.Length; i++)
        {
            switch (schema)
            {
                case StructSchema structure when structure.Fields.TryGetValue(parts[i], out var field):
                    segments.Add(parts[i]);
                    schema = field;
                    continue;
                case DictSchema dictionary:
                    var rest = parts[i..];
                    if (dictionary.Values is StructSchema entry && rest.Length >= 2 && entry.Fields.ContainsKey(rest[^1]))
                    {
                        segments.Add(string.Join('.', rest[..^1]));
                        segments.Add(rest[^1]);
                    }
                    else
                    {
                        segments.Add(string.Join('.', rest));
                    }

                    return new LockedPath(segments, text.Value, text.Location);
                case StructSchema structure:
                    reader.Diagnostics.Error(DiagnosticCodes.InvalidPolicyPath, text.Location,
                        $"policy.lock: '{text.Value}' names no value ('{parts[i]}' is not a key here){Suggestions.DidYouMean(parts[i], structure.Fields.Keys)}");
                    return null;
                default:
                    reader.Diagnostics.Error(DiagnosticCodes.InvalidPolicyPath, text.Location,
                        $"policy.lock: '{text.Value}' goes below '{string.Join('.', segments)}', which has no keys");
                    return null;
            }
        }

        return segments.Count == 0 ? null : new LockedPath(segments, ValuePathText(segments), text.Location);
    }

    private static string ValuePathText(IEnumerable<string> segments) => segments.Aggregate("", ValuePath.Child);
}
