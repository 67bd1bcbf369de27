using System.Collections;
using Vse.Description;
using Vse.Description.Caching;
using Vse.Description.Layers;
using Vse.State;

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

    /// <summary>
    /// Where this user's resolves are kept between commands: <c>$VSE_HOME/resolved</c>, written
    /// through the store's <c>tmp/</c> (docs/build.md, "What a repeated command reads").
    /// </summary>
    public ResolveCache ResolveCache()
    {
        var home = VseHome.Resolve(Variables, Environment.IsPrivilegedProcess);
        return new ResolveCache(Path.Combine(home.Root, "resolved"), home.Temp);
    }

    /// <summary>Resolves <paramref name="file"/> through <see cref="ResolveCache()"/>: parsed only when something it read has changed.</summary>
    public ResolveResult Resolve(string file, string? target, CancellationToken cancellationToken) =>
        ResolveCache().Resolve(file, ResolveOptions(target), cancellationToken).Result;

    /// <summary>A path as the user will recognise it: relative to the working directory when below it.</summary>
    public string Display(string path)
    {
        var relative = Path.GetRelativePath(WorkingDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
