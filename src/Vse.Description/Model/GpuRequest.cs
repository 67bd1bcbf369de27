using System.Globalization;

namespace Vse.Description.Model;

/// <summary>
/// What <c>gpus</c> asks for: every GPU of the host (<c>all</c>), a number of them (the first N by
/// index), or those of the listed indices (<c>[0, 2]</c>, resolved as <c>[0,2]</c>; or <c>"0,2"</c>).
/// </summary>
/// <param name="Count">With neither <paramref name="All"/> nor <paramref name="Indices"/>: how many.</param>
/// <param name="Indices">The indices asked for (<c>/dev/nvidiaN</c>), ascending; null unless listed.</param>
public sealed record GpuRequest(bool All, int Count, IReadOnlyList<int>? Indices)
{
    /// <summary>The value as the schema let it through: <c>all</c>, a count, indices joined by commas, or a resolved list (<c>[0,2]</c>).</summary>
    /// <exception cref="InvalidDataException">Anything else: a damaged configuration.</exception>
    public static GpuRequest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "all")
        {
            return new GpuRequest(true, 0, null);
        }

        // A YAML list resolves bracketed, so that [2] (GPU 2) is not 2 (two GPUs).
        var listed = text.Length > 2 && text[0] == '[' && text[^1] == ']';
        var list = listed ? text[1..^1] : text;
        if (!listed && !text.Contains(',', StringComparison.Ordinal))
        {
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
                ? new GpuRequest(false, count, null)
                : throw new InvalidDataException($"'gpus' is '{text}', not all, a count or a list of indices");
        }

        var indices = new SortedSet<int>();
        foreach (var part in list.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw new InvalidDataException($"'gpus' is '{text}', not all, a count or a list of indices");
            }

            indices.Add(index);
        }

        return new GpuRequest(false, indices.Count, [.. indices]);
    }

    public override string ToString() => All ? "all" : Indices is { } list ? $"[{string.Join(',', list)}]" : Count.ToString(CultureInfo.InvariantCulture);
}
