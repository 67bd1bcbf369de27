using System.Globalization;

namespace Vse.Description.Layers;

/// <summary>Sizes of DESIGN §2.2: <c>K M G T</c> are powers of 1000, <c>Ki Mi Gi Ti</c> powers of 1024.</summary>
public static class SizeParser
{
    private static readonly (string Suffix, decimal Factor)[] Units =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("K", 1_000m), ("M", 1_000_000m), ("G", 1_000_000_000m), ("T", 1_000_000_000_000m),
    ];

    /// <summary>Integers stay exact up to 2^53 in JSON readers, so sizes stay below it.</summary>
    public const long MaximumBytes = 1L << 53;

    public static bool TryParse(string text, out long bytes, out string error)
    {
        bytes = 0;
        var trimmed = text.Trim();
        decimal factor = 1;
        foreach (var (suffix, unitFactor) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = unitFactor;
                trimmed = trimmed[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (trimmed.Length == 0 || !trimmed.All(c => char.IsAsciiDigit(c) || c == '.')
            || !decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{text}' is not a size (write bytes, or a number with K, M, G, T, Ki, Mi, Gi or Ti)";
            return false;
        }

        var value = number * factor;
        if (value != decimal.Truncate(value))
        {
            error = $"'{text}' is not a whole number of bytes";
            return false;
        }

        if (value > MaximumBytes)
        {
            error = $"'{text}' is larger than the largest size vse accepts (2^53 bytes)";
            return false;
        }

        bytes = (long)value;
        error = "";
        return true;
    }
}
