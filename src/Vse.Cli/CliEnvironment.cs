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

    /// <summary>The prefix of a shipped description's name in <see cref="DisplaySource"/>.</summary>
    private const string ShippedPrefix = "shipped:";

    /// <summary>
    /// A description file a value came from (<c>vse explain</c>, <c>vse resolve --provenance</c>):
    /// as <see cref="Display"/>, except one shipped with vse outside the working directory, which
    /// lies beside the executable in a directory the user never named and is shown relative to it,
    /// as the search path found it: <c>shipped:base/busybox.vse.yaml</c>. Diagnostics keep
    /// <see cref="Display"/>, a path an editor can open.
    /// </summary>
    public string DisplaySource(string path)
    {
        var display = Display(path);
        var shipped = Path.GetRelativePath(ShippedDescriptions, path);
        return !Path.IsPathRooted(display) || shipped.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(shipped)
            ? display
            : ShippedPrefix + shipped;
    }

    /// <summary>A path as the user will recognise it: relative to the working directory when below it.</summary>
    public string Display(string path)
    {
        var relative = Path.GetRelativePath(WorkingDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
