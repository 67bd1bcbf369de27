using System.Globalization;
using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Syntax;
using Vse.Runtime.Drivers;

namespace Vse.Deploy.Testing;

/// <summary>
/// Reads a test matrix file, every problem a diagnostic at its <c>FILE:LINE:COLUMN</c>:
/// <code>
/// vse-test: 1
/// name: SUITE                 # optional; default: the file's name
/// command: SHELL COMMAND      # run on instance 0 of every cell
/// matrix:
///   descriptions: [FILE...]   # relative to the matrix file
///   targets: [T...]           # optional; "none" (or null) is the description without a target
///   drivers: [sandbox, vm]    # optional; default [sandbox]
///   instances: [N...]         # optional; default [1]
/// </code>
/// </summary>
public static class MatrixReader
{
    private static readonly string[] TopKeys = ["vse-test", "name", "command", "matrix"];
    private static readonly string[] AxisKeys = ["descriptions", "targets", "drivers", "instances"];

    /// <returns>The matrix, or null when <paramref name="diagnostics"/> holds errors.</returns>
    public static TestMatrix? Read(string path, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var file = Path.GetFullPath(path);
        var root = YamlFileReader.ReadFile(file, ReaderLimits.Default, diagnostics);
        if (root is null || diagnostics.HasErrors)
        {
            return null;
        }

        if (root is not MappingNode top || Value(top, "vse-test") is not ScalarNode { Text: "1" })
        {
            diagnostics.Error(DiagnosticCodes.NotATestMatrix, root.Location, "not a vse test matrix: it must start with 'vse-test: 1'");
            return null;
        }

        UnknownKeys(top, TopKeys, diagnostics);
        var command = Text(top, "command", diagnostics, required: true);
        var name = Text(top, "name", diagnostics, required: false) ?? Path.GetFileNameWithoutExtension(file);
        if (Value(top, "matrix") is not MappingNode matrix)
        {
            diagnostics.Error(Value(top, "matrix") is null ? DiagnosticCodes.MissingKey : DiagnosticCodes.WrongType,
                Value(top, "matrix")?.Location ?? top.Location, "'matrix' must be a map of descriptions, targets, drivers and instances");
            return null;
        }

        UnknownKeys(matrix, AxisKeys, diagnostics);
        var directory = Path.GetDirectoryName(file)!;
        var descriptions = Axis(matrix, "descriptions", diagnostics, required: true, [], (node, text) =>
        {
            var full = Path.GetFullPath(Path.Combine(directory, text));
            if (!File.Exists(full))
            {
                diagnostics.Error(DiagnosticCodes.MatrixDescriptionMissing, node.Location, $"description '{text}' not found (looked at {full})");
            }

            return (full, text);
        });
        var targets = Axis<string?>(matrix, "targets", diagnostics, required: false, [null], (_, text) => text is "none" ? null : text);
        var drivers = Axis(matrix, "drivers", diagnostics, required: false, [DriverCatalog.Sandbox], (node, text) =>
        {
            if (!DriverCatalog.IsDriverName(text))
            {
                diagnostics.Error(DiagnosticCodes.InvalidValue, node.Location, $"'{text}' is not a driver (sandbox or vm)");
            }

            return text;
        });
        var instances = Axis(matrix, "instances", diagnostics, required: false, [1], (node, text) =>
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > DeploymentBounds.MaxInstances)
            {
                diagnostics.Error(DiagnosticCodes.InvalidValue, node.Location, $"'{text}' is not an instance count (1 to {DeploymentBounds.MaxInstances})");
            }

            return count;
        });

        return diagnostics.HasErrors ? null : new TestMatrix(file, name, command!, descriptions, targets, drivers, instances);
    }

    private static SyntaxNode? Value(MappingNode map, string key) => map.Entries.FirstOrDefault(e => e.Key.Text == key)?.Value;

    private static void UnknownKeys(MappingNode map, string[] known, DiagnosticBag diagnostics)
    {
        foreach (var entry in map.Entries.Where(e => !known.Contains(e.Key.Text)))
        {
            diagnostics.Error(DiagnosticCodes.UnknownKey, entry.Key.Location, $"unknown key '{entry.Key.Text}' (expected one of {string.Join(", ", known)})");
        }
    }

    private static string? Text(MappingNode map, string key, DiagnosticBag diagnostics, bool required)
    {
        switch (Value(map, key))
        {
            case null when required:
                diagnostics.Error(DiagnosticCodes.MissingKey, map.Location, $"'{key}' is missing");
                return null;
            case null:
                return null;
            case ScalarNode { IsNull: false } scalar when scalar.Text.Length > 0:
                return scalar.Text;
            case var other:
                diagnostics.Error(DiagnosticCodes.WrongType, other.Location, $"'{key}' must be a non-empty string");
                return null;
        }
    }

    /// <summary>An axis: a list of scalars (a single scalar is a list of one), each turned into a value by <paramref name="parse"/>.</summary>
    private static IReadOnlyList<T> Axis<T>(
        MappingNode matrix, string key, DiagnosticBag diagnostics, bool required, IReadOnlyList<T> absent, Func<ScalarNode, string, T> parse)
    {
        var node = Value(matrix, key);
        IReadOnlyList<SyntaxNode> items = node switch
        {
            null => [],
            SequenceNode sequence => sequence.Items,
            ScalarNode { IsNull: true } => [],
            _ => [node],
        };
        if (node is null && !required)
        {
            return absent;
        }

        if (items.Count == 0)
        {
            diagnostics.Error(node is null ? DiagnosticCodes.MissingKey : DiagnosticCodes.EmptyMatrixAxis, node?.Location ?? matrix.Location,
                $"matrix.{key} {(node is null ? "is missing" : "is empty: the matrix would have no cells")}");
            return [];
        }

        var values = new List<T>();
        foreach (var item in items)
        {
            if (item is ScalarNode { IsNull: false } scalar)
            {
                values.Add(parse(scalar, scalar.Text));
            }
            else if (item is ScalarNode && typeof(T) == typeof(string))
            {
                // targets: [null] stands for the description without a target.
                values.Add(parse((ScalarNode)item, "none"));
            }
            else
            {
                diagnostics.Error(DiagnosticCodes.WrongType, item.Location, $"matrix.{key} must be a list of values, found a {Kind(item)}");
            }
        }

        return values;
    }

    private static string Kind(SyntaxNode node) => node switch
    {
        MappingNode => "map",
        SequenceNode => "list",
        _ => "null",
    };
}
