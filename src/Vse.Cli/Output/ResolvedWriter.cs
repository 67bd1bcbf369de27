using Vse.Description;
using Vse.Description.Merge;
using Vse.Description.Model;
using Vse.Description.Provenance;

namespace Vse.Cli.Output;

/// <summary>
/// Prints a resolved description as YAML that vse itself reads back (without the directives),
/// optionally with each value's origin as a trailing comment.
/// </summary>
internal sealed class ResolvedWriter(TextWriter output, CliEnvironment environment, ProvenanceLog? provenance)
{
    public void Write(ResolvedDescription resolved)
    {
        output.WriteLine($"# lineage: {string.Join(" -> ", resolved.Lineage)}");
        if (resolved.Target is { } target)
        {
            output.WriteLine($"# target: {target}");
        }

        output.WriteLine($"# digest: {resolved.Digest}");
        WriteMap(resolved.Content, "", 0);
    }

    private void WriteMap(MapValue map, string path, int indent)
    {
        foreach (var (key, value) in map.Entries)
        {
            var childPath = ValuePath.Child(path, key);
            var prefix = $"{Pad(indent)}{Scalar(key)}:";
            switch (value)
            {
                case ScalarValue scalar:
                    output.WriteLine(Annotate($"{prefix} {Scalar(scalar)}", childPath));
                    break;
                case MapValue child:
                    output.WriteLine(prefix);
                    WriteMap(child, childPath, indent + 1);
                    break;
                case SetValue set:
                    output.WriteLine(prefix);
                    foreach (var member in set.Members)
                    {
                        output.WriteLine(Annotate($"{Pad(indent + 1)}- {Scalar(member)}", ValuePath.Member(childPath, member)));
                    }

                    break;
                case StepListValue steps:
                    output.WriteLine(prefix);
                    foreach (var step in steps.Steps)
                    {
                        output.WriteLine(Annotate($"{Pad(indent + 1)}- {Flow(step.Body)}", ValuePath.StepOf(childPath, step)));
                    }

                    break;
            }
        }
    }

    private string Annotate(string line, string path)
    {
        if (provenance?.LastWrite(path) is not { } origin)
        {
            return line;
        }

        return $"{line}  # {origin.Layer} {environment.DisplaySource(origin.Location.File)}:{origin.Location.Line}";
    }

    private static string Flow(DescriptionValue value) => value switch
    {
        ScalarValue scalar => Scalar(scalar),
        MapValue map => "{" + string.Join(", ", map.Entries.Select(e => $"{Scalar(e.Key)}: {Flow(e.Value)}")) + "}",
        SetValue set => "[" + string.Join(", ", set.Members.Select(Scalar)) + "]",
        _ => CanonicalJson.Serialize(value),
    };

    private static string Scalar(ScalarValue value) => value.Raw is string s ? Scalar(s) : value.ToString();

    /// <summary>A literal <c>${</c> is written <c>$${</c>, so vse reads the output back unchanged.</summary>
    private static string Scalar(string text) => YamlText.Quote(text.Replace("${", "$${", StringComparison.Ordinal));

    private static string Pad(int indent) => new(' ', indent * 2);
}
