namespace Vse.Build.Exports;

/// <summary>Environment overrides for the export tools.</summary>
internal static class ToolEnvironment
{
    /// <summary>Untranslated messages: errors read the same in every report, and some are matched on.</summary>
    public static readonly IReadOnlyDictionary<string, string> CLocale =
        new Dictionary<string, string> { ["LC_ALL"] = "C" };
}
