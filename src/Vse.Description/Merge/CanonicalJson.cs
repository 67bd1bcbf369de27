using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vse.Description.Model;

namespace Vse.Description.Merge;

/// <summary>
/// Canonical JSON in the manner of RFC 8785 (JCS): no whitespace, object keys sorted by UTF-16
/// code units, strings escaped minimally, integers in plain decimal. vse values hold no floating
/// point numbers, so JCS's number rules reduce to integers. Equal values give equal bytes, which
/// is what the digest needs.
/// </summary>
public static class CanonicalJson
{
    public static string Serialize(DescriptionValue value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    /// <summary><c>sha256:</c> and the hex SHA-256 of the canonical JSON's UTF-8 bytes.</summary>
    /// <remarks>
    /// The JSON is hashed as it lies in the builder's chunks, through a small buffer: the whole
    /// document as a string and again as bytes (~1 MB for a 10,000-key description) went on the
    /// large object heap, which a one-shot <c>vse resolve --json</c> paid for in fresh pages.
    /// </remarks>
    public static string Digest(DescriptionValue value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // One encoder for all chunks: a surrogate pair split between two chunks is encoded whole.
        var encoder = Encoding.UTF8.GetEncoder();
        Span<byte> buffer = stackalloc byte[4096];
        foreach (var chunk in builder.GetChunks())
        {
            var chars = chunk.Span;
            while (!chars.IsEmpty)
            {
                encoder.Convert(chars, buffer, flush: false, out var used, out var written, out _);
                hash.AppendData(buffer[..written]);
                chars = chars[used..];
            }
        }

        encoder.Convert([], buffer, flush: true, out _, out var last, out _);
        hash.AppendData(buffer[..last]);
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static void Write(StringBuilder builder, DescriptionValue value)
    {
        switch (value)
        {
            case ScalarValue { Raw: string s }:
                WriteString(builder, s);
                break;
            case ScalarValue { Raw: long l }:
                builder.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case ScalarValue { Raw: bool b }:
                builder.Append(b ? "true" : "false");
                break;
            case MapValue map:
                builder.Append('{');
                var first = true;
                foreach (var (key, child) in map.Entries)
                {
                    builder.Append(first ? "" : ",");
                    first = false;
                    WriteString(builder, key);
                    builder.Append(':');
                    Write(builder, child);
                }

                builder.Append('}');
                break;
            case SetValue set:
                WriteArray(builder, set.Members, (b, m) => WriteString(b, m));
                break;
            case StepListValue steps:
                WriteArray(builder, steps.Steps, (b, s) => Write(b, s.Body));
                break;
            default:
                throw new InvalidOperationException($"cannot serialise {value.GetType().Name}");
        }
    }

    /// <summary>A string as a canonical JSON string literal.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        WriteString(builder, text);
        return builder.ToString();
    }

    public static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }

        builder.Append('"');
    }

    private static void WriteArray<T>(StringBuilder builder, IEnumerable<T> items, Action<StringBuilder, T> write)
    {
        builder.Append('[');
        var first = true;
        foreach (var item in items)
        {
            builder.Append(first ? "" : ",");
            first = false;
            write(builder, item);
        }

        builder.Append(']');
    }
}
