using Vse.Description.Diagnostics;
using Vse.Description.Policy;
using Vse.Description.Schema;
using Vse.Description.Syntax;

namespace Vse.Description.Layers;

/// <summary>Reads one parsed file into a <see cref="Layer"/>: the version, the body, targets and policy.</summary>
internal static class LayerReader
{
    public static Layer? Read(LoadedFile file, InterpolationContext interpolation, string? target, DiagnosticBag diagnostics)
    {
        var reader = new PatchReader(file.Path, file.Name, interpolation, diagnostics);
        if (reader.ExpectMapping(file.Root, "") is not { } mapping)
        {
            return null;
        }

        CheckHeader(mapping, file.Path, diagnostics);
        var bodyEntries = new List<MappingEntry>();
        var targets = new Dictionary<string, MapPatch>(StringComparer.Ordinal);
        PolicyRules? policy = null;
        foreach (var entry in mapping.Entries)
        {
            switch (entry.Key.Text)
            {
                case "extends":
                    break; // read by the loader
                case "targets":
                    ReadTargets(file, interpolation, target, diagnostics, entry.Value, targets);
                    break;
                case "policy":
                    if (!file.Trusted)
                    {
                        diagnostics.Error(DiagnosticCodes.PolicyInUntrustedLayer, entry.Key.Location,
                            "'policy' is only allowed in trusted site layers (files under the site directory that the invoking user cannot modify)");
                        break;
                    }

                    policy = new PolicyReader(reader.Literal()).Read(entry.Value);
                    break;
                case "extends!" or "targets!" or "policy!":
                    diagnostics.Error(DiagnosticCodes.UnknownKey, entry.Key.Location, $"'{entry.Key.Text[..^1]}' is a directive and cannot be replaced with '!'");
                    break;
                default:
                    bodyEntries.Add(entry);
                    break;
            }
        }

        var body = reader.ReadStruct(DescriptionSchema.Body, mapping with { Entries = bodyEntries }, "") ?? new MapPatch([], mapping.Location);
        return new Layer(file.Name, file.Path, file.Trusted, body, targets, policy);
    }

    private static void CheckHeader(MappingNode mapping, string path, DiagnosticBag diagnostics)
    {
        var version = mapping.Entries.FirstOrDefault(e => e.Key.Text == "vse");
        if (version is null)
        {
            diagnostics.Error(DiagnosticCodes.MissingKey, mapping.Location, $"missing 'vse: {DescriptionSchema.SupportedVersion}' (the format version)");
        }
        else if (version.Value is not ScalarNode { IsPlain: true, Text: var text } || text != DescriptionSchema.SupportedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            diagnostics.Error(DiagnosticCodes.UnsupportedVersion, version.Value.Location,
                $"unsupported format version; this vse reads 'vse: {DescriptionSchema.SupportedVersion}'");
        }

        if (mapping.Entries.All(e => e.Key.Text != "name"))
        {
            diagnostics.Error(DiagnosticCodes.MissingKey, mapping.Location, $"missing 'name' (every description is named; e.g. 'name: {Path.GetFileName(path).Split('.')[0]}')");
        }
    }

    private static void ReadTargets(LoadedFile file, InterpolationContext interpolation, string? chosen, DiagnosticBag diagnostics, SyntaxNode node, Dictionary<string, MapPatch> targets)
    {
        var outer = new PatchReader(file.Path, file.Name, interpolation, diagnostics);
        if (outer.ExpectMapping(node, "targets") is not { } mapping)
        {
            return;
        }

        foreach (var entry in mapping.Entries)
        {
            var path = $"targets.{entry.Key.Text}";
            // A block that is not chosen is still checked, but may use variables only its own
            // systems set: an unset one is not an error there.
            var selected = entry.Key.Text == chosen;
            var bag = selected ? diagnostics : new DiagnosticBag();
            // Steps without an id are named after the layer; the target's own name keeps them apart.
            var reader = new PatchReader(file.Path, $"{file.Name}@{entry.Key.Text}", interpolation, bag);
            // The name is checked into the real bag: an unselected block's bag is copied only after its body.
            if (outer.CheckString(DescriptionSchema.NameString, entry.Key.Text, entry.Key.Location, new CheckedSubject("target name '", entry.Key.Text, "'")) is null)
            {
                continue;
            }

            var patch = reader.ReadStruct(DescriptionSchema.Body, entry.Value, path, DescriptionSchema.NotInTargets);
            if (!selected)
            {
                diagnostics.AddRange(bag.Items.Where(d => d.Code != DiagnosticCodes.UnsetEnvironmentVariable));
            }

            if (patch is not null)
            {
                targets[entry.Key.Text] = patch;
            }
        }
    }
}
