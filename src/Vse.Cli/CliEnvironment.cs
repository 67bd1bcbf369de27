using System.Collections;
using Vse.Description;
using Vse.Description.Layers;

namespace Vse.Cli;

/// <summary>What the commands take from the process: environment, working directory, shipped files.</summary>
public sealed record CliEnvironment(IReadOnlyDictionary<string, string> Variables, string WorkingDirectory, string ShippedDescriptions)
{
    public static CliEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return new CliEnvironment(variables, Directory.GetCurrentDirectory(), Path.Combine(AppContext.BaseDirectory, "descriptions"));
    }

    public ResolveOptions ResolveOptions(string? target) =>
        new(SearchPath.FromEnvironment(Variables, ShippedDescriptions), Variables, target);

    /// <summary>A path as the user will recognise it: relative to the working directory when below it.</summary>
    public string Display(string path)
    {
        var relative = Path.GetRelativePath(WorkingDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
