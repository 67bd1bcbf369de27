using System.Runtime.InteropServices;

namespace Vse.Description.Model;

/// <summary>
/// Changes to a <see cref="MapValue"/> gathered and applied in one copy: a layer of a large
/// hierarchy sets thousands of keys of one map, and a sorted array copied per key would be quadratic.
/// Keys already in the map are changed in a copy of its values; new keys are collected, sorted once
/// and merged in by <see cref="ToMap"/>.
/// </summary>
/// <remarks>
/// Each key is changed at most once, as a patch names each key once: so the values before the
/// changes are the original map's to read, and a new key needs no lookup among the new keys (a
/// dictionary of them per map and layer was ~0.3 MB per resolve of the 10,000-key hierarchy).
/// <see cref="ToMap"/> refuses a new key set twice.
/// </remarks>
/// <param name="original">The map to change.</param>
/// <param name="expectedChanges">How many keys are about to be changed, when known (a patch's size): the list of new keys is made that large at once.</param>
internal sealed class MapValueBuilder(MapValue original, int expectedChanges = 0)
{
    private static readonly Comparison<KeyValuePair<string, DescriptionValue>> KeyOrder =
        (a, b) => string.CompareOrdinal(a.Key, b.Key);

    private readonly KeyValuePair<string, DescriptionValue>[] _original = original.SortedEntries;

    // The original's values once one of them changed; null where a key was removed.
    private DescriptionValue?[]? _values;
    private int _removed;

    // Keys the original does not have, in the order they came.
    private List<KeyValuePair<string, DescriptionValue>>? _added;

    /// <summary>Sets <paramref name="key"/>; a value equal to the one there keeps the one there (as <see cref="MapValue.With"/>).</summary>
    public void Set(string key, DescriptionValue value)
    {
        var index = MapValue.IndexOf(_original, key);
        if (index < 0)
        {
            _added ??= new(Math.Max(4, expectedChanges));
            _added.Add(KeyValuePair.Create(key, value));
            return;
        }

        if (Equals(_values is null ? _original[index].Value : _values[index], value))
        {
            return;
        }

        var values = Values();
        _removed -= values[index] is null ? 1 : 0;
        values[index] = value;
    }

    /// <summary>Removes <paramref name="key"/> of the original map; a key it does not have is no change.</summary>
    public void Remove(string key)
    {
        var index = MapValue.IndexOf(_original, key);
        if (index >= 0)
        {
            var values = Values();
            _removed += values[index] is null ? 0 : 1;
            values[index] = null;
        }
    }

    /// <summary>The map with every change; the original map itself when nothing changed.</summary>
    /// <exception cref="InvalidOperationException">A new key was set twice.</exception>
    public MapValue ToMap()
    {
        var additions = Additions();
        if (_values is null && additions.Length == 0)
        {
            return original;
        }

        if (_original.Length == 0)
        {
            return MapValue.FromSorted(additions.ToArray());
        }

        var merged = new KeyValuePair<string, DescriptionValue>[_original.Length - _removed + additions.Length];
        var next = 0;
        var fromAdded = 0;
        for (var i = 0; i < _original.Length; i++)
        {
            var key = _original[i].Key;
            while (fromAdded < additions.Length && string.CompareOrdinal(additions[fromAdded].Key, key) < 0)
            {
                merged[next++] = additions[fromAdded++];
            }

            if ((_values is null ? _original[i].Value : _values[i]) is { } value)
            {
                merged[next++] = ReferenceEquals(value, _original[i].Value) ? _original[i] : KeyValuePair.Create(key, value);
            }
        }

        while (fromAdded < additions.Length)
        {
            merged[next++] = additions[fromAdded++];
        }

        return MapValue.FromSorted(merged);
    }

    // Sorted in place: the order the new keys came in matters to nothing after this.
    private ReadOnlySpan<KeyValuePair<string, DescriptionValue>> Additions()
    {
        if (_added is null)
        {
            return [];
        }

        _added.Sort(KeyOrder);
        var sorted = CollectionsMarshal.AsSpan(_added);
        for (var i = 1; i < sorted.Length; i++)
        {
            if (string.Equals(sorted[i - 1].Key, sorted[i].Key, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the new key '{sorted[i].Key}' was set twice");
            }
        }

        return sorted;
    }

    private DescriptionValue?[] Values()
    {
        if (_values is null)
        {
            _values = new DescriptionValue?[_original.Length];
            for (var i = 0; i < _original.Length; i++)
            {
                _values[i] = _original[i].Value;
            }
        }

        return _values;
    }
}
