namespace Vse.Build.Exports;

/// <summary>Environment overrides for the export tools.</summary>
internal static class ToolEnvironment
{
    /// <summary>Untranslated messages: errors read the same in every report, and some are matched on.</summary>
    public static readonly IReadOnlyDictionary<string, string> CLocale =
        new Dictionary<string, string> { ["LC_ALL"] = "C" };

    /// <summary><see cref="CLocale"/> and <paramref name="more"/>.</summary>
    public static IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> more)
    {
        var environment = new Dictionary<string, string>(CLocale);
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }
}
