namespace Vse.Description.Model;

/// <summary>
/// Renders the address of a value as provenance and <c>vse explain</c> show it:
/// map keys joined by dots, set members and steps in brackets (<c>packages[gfortran]</c>,
/// <c>files[src]</c>, <c>files[site/hpc#2]</c> for a step without id).
/// </summary>
public static class ValuePath
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Member(string parent, string member) => $"{parent}[{member}]";

    public static string StepOf(string parent, Step step) => Member(parent, step.Key);

    /// <summary>True when <paramref name="path"/> is <paramref name="prefix"/> or lies below it.</summary>
    public static bool IsAtOrBelow(string path, string prefix) =>
        prefix.Length == 0
        || (path.StartsWith(prefix, StringComparison.Ordinal)
            && (path.Length == prefix.Length || path[prefix.Length] is '.' or '['));
}
