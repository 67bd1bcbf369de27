using System.Collections.Immutable;
using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Description.Provenance;

namespace Vse.Description.Caching;

/// <summary>
/// A successful <see cref="ResolveResult"/> as bytes and back, whole: the content, its
/// location-free form and digest (so a copy source is not hashed again), the layers, every layer's
/// policy rules with their locations, the provenance of every value and the warnings. What reads
/// it back is the same typed description a resolve gives, down to the locations diagnostics cite.
/// </summary>
/// <remarks>
/// A binary writer rather than JSON: reading it back is what the cache saves time on, and a
/// description's values are four kinds of node with no schema JSON would add. A change to any
/// type written here must change <see cref="Format"/>, which every entry starts with.
/// </remarks>
internal static class ResolvedDescriptionCodec
{
    public const string Format = "vse-resolved-v1";

    private enum ValueTag : byte
    {
        Text = 1,
        Integer = 2,
        Boolean = 3,
        Map = 4,
        Set = 5,
        Steps = 6,
    }

    public static void Write(BinaryWriter writer, ResolvedDescription resolved, IReadOnlyList<Diagnostic> diagnostics)
    {
        writer.Write(Format);
        Map(writer, resolved.Content);
        var locationFree = resolved.LocationFreeContent;
        var same = ReferenceEquals(locationFree, resolved.Content);
        writer.Write(same);
        if (!same)
        {
            Map(writer, locationFree);
        }

        writer.Write(resolved.Digest);
        NullableText(writer, resolved.Target);
        List(writer, resolved.Layers, (w, layer) =>
        {
            w.Write(layer.Name);
            w.Write(layer.File);
            w.Write(layer.Trusted);
        });
        List(writer, resolved.Policy.Layers, Rules);
        var paths = resolved.Provenance.Paths.ToList();
        writer.Write(paths.Count);
        foreach (var path in paths)
        {
            writer.Write(path);
            List(writer, resolved.Provenance.For(path), (w, e) =>
            {
                w.Write((byte)e.Action);
                w.Write(e.Layer);
                Location(w, e.Location);
                w.Write(e.Value is not null);
                if (e.Value is { } value)
                {
                    Value(w, value);
                }
            });
        }

        List(writer, diagnostics, (w, d) =>
        {
            w.Write((byte)d.Severity);
            w.Write(d.Code);
            Location(w, d.Location);
            w.Write(d.Message);
        });
    }

    /// <exception cref="InvalidDataException">Not an entry of this format (damaged, or written by another vse).</exception>
    public static ResolveResult Read(BinaryReader reader)
    {
        try
        {
            if (reader.ReadString() != Format)
            {
                throw new InvalidDataException($"not a {Format} entry");
            }

            var content = ReadMap(reader);
            var locationFree = reader.ReadBoolean() ? content : ReadMap(reader);
            var digest = reader.ReadString();
            var target = ReadNullableText(reader);
            var layers = ReadList(reader, r => new LayerInfo(r.ReadString(), r.ReadString(), r.ReadBoolean()));
            var policy = new SitePolicy(ReadList(reader, ReadRules));
            var count = reader.ReadInt32();
            var events = new Dictionary<string, IReadOnlyList<ProvenanceEvent>>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var path = reader.ReadString();
                events[path] = ReadList(reader, r => new ProvenanceEvent(
                    ReadEnum(r, ProvenanceAction.Replaced), r.ReadString(), ReadLocation(r), r.ReadBoolean() ? (ScalarValue)ReadValue(r) : null));
            }

            var diagnostics = ReadList(reader, r => new Diagnostic(ReadEnum(r, Severity.Error), r.ReadString(), ReadLocation(r), r.ReadString()));
            var resolved = new ResolvedDescription(content, target, layers, policy, new ProvenanceLog(events));
            resolved.SeedIdentity(locationFree, digest);
            return new ResolveResult(resolved, diagnostics);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or InvalidCastException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"a damaged {Format} entry: {e.Message}", e);
        }
    }

    private static void Rules(BinaryWriter writer, PolicyRules rules)
    {
        writer.Write(rules.LayerName);
        Location(writer, rules.Location);
        List(writer, rules.Locks, (w, l) =>
        {
            List(w, l.Segments, (w2, s) => w2.Write(s));
            w.Write(l.Text);
            Location(w, l.Location);
        });
        NullableLocated(writer, rules.AllowMounts);
        NullableLocated(writer, rules.AllowDrivers);
        NullableLocated(writer, rules.DenyPackages);
        List(writer, rules.Limits, (w, l) =>
        {
            w.Write(l.Path);
            w.Write(l.Maximum);
            Location(w, l.Location);
        });
        NullableLocated(writer, rules.AllowSeccomp);
        NullableLocated(writer, rules.AllowCapabilities);
        NullableLocated(writer, rules.AllowDevices);
        NullableLocated(writer, rules.AllowMpi);
    }

    private static PolicyRules ReadRules(BinaryReader reader) =>
        new(
            reader.ReadString(),
            ReadLocation(reader),
            ReadList(reader, r => new LockedPath(ReadList(r, r2 => r2.ReadString()), r.ReadString(), ReadLocation(r))),
            ReadNullableLocated(reader),
            ReadNullableLocated(reader),
            ReadNullableLocated(reader) ?? [],
            ReadList(reader, r => new PolicyLimit(r.ReadString(), r.ReadInt64(), ReadLocation(r))))
        {
            AllowSeccomp = ReadNullableLocated(reader),
            AllowCapabilities = ReadNullableLocated(reader),
            AllowDevices = ReadNullableLocated(reader),
            AllowMpi = ReadNullableLocated(reader),
        };

    private static void Value(BinaryWriter writer, DescriptionValue value)
    {
        switch (value)
        {
            case ScalarValue { Raw: string text }:
                writer.Write((byte)ValueTag.Text);
                writer.Write(text);
                break;
            case ScalarValue { Raw: long integer }:
                writer.Write((byte)ValueTag.Integer);
                writer.Write(integer);
                break;
            case ScalarValue { Raw: bool boolean }:
                writer.Write((byte)ValueTag.Boolean);
                writer.Write(boolean);
                break;
            case MapValue map:
                writer.Write((byte)ValueTag.Map);
                Map(writer, map);
                break;
            case SetValue set:
                writer.Write((byte)ValueTag.Set);
                List(writer, set.Members, (w, m) => w.Write(m));
                break;
            case StepListValue steps:
                writer.Write((byte)ValueTag.Steps);
                List(writer, steps.Steps, (w, s) =>
                {
                    w.Write(s.Key);
                    NullableText(w, s.Id);
                    Map(w, s.Body);
                });
                break;
            default:
                throw new InvalidOperationException($"no encoding for {value.GetType().Name}");
        }
    }

    private static DescriptionValue ReadValue(BinaryReader reader) => (ValueTag)reader.ReadByte() switch
    {
        ValueTag.Text => ScalarValue.Of(reader.ReadString()),
        ValueTag.Integer => ScalarValue.Of(reader.ReadInt64()),
        ValueTag.Boolean => ScalarValue.Of(reader.ReadBoolean()),
        ValueTag.Map => ReadMap(reader),
        ValueTag.Set => new SetValue(ImmutableSortedSet.CreateRange(StringComparer.Ordinal, ReadList(reader, r => r.ReadString()))),
        ValueTag.Steps => new StepListValue([.. ReadList(reader, r => new Step(r.ReadString(), ReadNullableText(r), ReadMap(r)))]),
        var tag => throw new InvalidDataException($"unknown value tag {(byte)tag}"),
    };

    private static void Map(BinaryWriter writer, MapValue map)
    {
        writer.Write(map.Entries.Count);
        foreach (var (key, value) in map.Entries)
        {
            writer.Write(key);
            Value(writer, value);
        }
    }

    private static MapValue ReadMap(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var entries = new List<KeyValuePair<string, DescriptionValue>>(count);
        for (var i = 0; i < count; i++)
        {
            entries.Add(KeyValuePair.Create(reader.ReadString(), ReadValue(reader)));
        }

        return MapValue.Of(entries);
    }

    private static void Location(BinaryWriter writer, SourceLocation location)
    {
        writer.Write(location.File);
        writer.Write(location.Line);
        writer.Write(location.Column);
    }

    private static SourceLocation ReadLocation(BinaryReader reader) => new(reader.ReadString(), reader.ReadInt32(), reader.ReadInt32());

    private static void NullableLocated(BinaryWriter writer, IReadOnlyList<Located<string>>? items)
    {
        writer.Write(items is not null);
        if (items is not null)
        {
            List(writer, items, (w, item) =>
            {
                w.Write(item.Value);
                Location(w, item.Location);
            });
        }
    }

    private static IReadOnlyList<Located<string>>? ReadNullableLocated(BinaryReader reader) =>
        reader.ReadBoolean() ? ReadList(reader, r => new Located<string>(r.ReadString(), ReadLocation(r))) : null;

    private static void NullableText(BinaryWriter writer, string? text)
    {
        writer.Write(text is not null);
        if (text is not null)
        {
            writer.Write(text);
        }
    }

    private static string? ReadNullableText(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    private static void List<T>(BinaryWriter writer, IEnumerable<T> items, Action<BinaryWriter, T> write)
    {
        var list = items as IReadOnlyCollection<T> ?? items.ToList();
        writer.Write(list.Count);
        foreach (var item in list)
        {
            write(writer, item);
        }
    }

    private static List<T> ReadList<T>(BinaryReader reader, Func<BinaryReader, T> read)
    {
        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new InvalidDataException($"a negative count ({count})");
        }

        var list = new List<T>(Math.Min(count, 4096));
        for (var i = 0; i < count; i++)
        {
            list.Add(read(reader));
        }

        return list;
    }

    /// <summary>
    /// A value of an enum numbered from 0 to <paramref name="last"/>. Not <see cref="Enum.IsDefined{TEnum}(TEnum)"/>:
    /// that reads the enum's names through reflection, whose first use costs a native vse
    /// ~0.2 ms of every hit. A member added after <paramref name="last"/> reads as damage (a miss), never as a wrong value.
    /// </summary>
    private static T ReadEnum<T>(BinaryReader reader, T last)
        where T : struct, Enum
    {
        var raw = reader.ReadByte();
        return raw <= (int)(object)last ? (T)(object)(int)raw : throw new InvalidDataException($"{raw} is not a {typeof(T).Name}");
    }
}
