using System.Text;

namespace Vse.Description.Caching;

/// <summary>
/// A binary writer that writes each distinct string once and an index for every repeat: a resolved
/// hierarchy names the same few files, layers and keys in thousands of locations and provenance
/// events, and reading one copy of each back (<see cref="InterningBinaryReader"/>) is what keeps a
/// cache hit cheaper than the parse it replaces.
/// </summary>
internal sealed class InterningBinaryWriter(Stream output) : BinaryWriter(output, Encoding.UTF8, leaveOpen: true)
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    public override void Write(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_seen.TryGetValue(value, out var index))
        {
            Write7BitEncodedInt(index + 1);
            return;
        }

        _seen[value] = _seen.Count;
        Write7BitEncodedInt(0);
        base.Write(value);
    }
}

/// <summary>Reads what <see cref="InterningBinaryWriter"/> wrote: a repeated string is the same instance.</summary>
internal sealed class InterningBinaryReader(Stream input) : BinaryReader(input, Encoding.UTF8)
{
    private readonly List<string> _seen = [];

    public override string ReadString()
    {
        var tag = Read7BitEncodedInt();
        if (tag == 0)
        {
            var text = base.ReadString();
            _seen.Add(text);
            return text;
        }

        return tag > 0 && tag <= _seen.Count ? _seen[tag - 1] : throw new InvalidDataException($"string reference {tag} is not one of the {_seen.Count} read so far");
    }
}
