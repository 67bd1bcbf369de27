using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Vse.Description.Layers;

/// <summary>
/// Checks that an <c>edit: replace:</c> pattern is a valid .NET regular expression, remembering
/// the valid ones. A hierarchy repeats the same few patterns in many steps, and constructing a
/// <see cref="Regex"/> (parse, tree, interpreter code) for each one was a measurable share of
/// resolving a large hierarchy; the memory is bounded, so hostile input cannot grow it.
/// </summary>
internal static class ValidPatterns
{
    private const int Remembered = 256;

    private static readonly ConcurrentDictionary<string, bool> Known = new(StringComparer.Ordinal);

    /// <returns>Null when <paramref name="pattern"/> is valid, else why not.</returns>
    public static string? Check(string pattern)
    {
        if (Known.ContainsKey(pattern))
        {
            return null;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }

        if (Known.Count < Remembered)
        {
            Known.TryAdd(pattern, true);
        }

        return null;
    }
}
