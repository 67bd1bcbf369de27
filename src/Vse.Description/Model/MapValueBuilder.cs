namespace Vse.Description.Model;

/// <summary>
/// Changes to a <see cref="MapValue"/> gathered and applied in one copy: a layer of a large
/// hierarchy sets thousands of keys of one map, and a sorted array copied per key would be quadratic.
/// Keys already in the map are changed in a copy of its values; new keys are collected, sorted once
/// and merged in by <see cref="ToMap"/>.
/// </summary>
/// <param name="original">The map to change.</param>
/// <param name="expectedChanges">How many keys are about to be set, when known (a patch's size): the new keys' list is made that large at once.</param>
internal sealed class MapValueBuilder(MapValue original, int expectedChanges = 0)
{
    // Beyond this many new keys, they are found through a dictionary rather than by a linear search.
    private const int IndexedAdditions = 8;

    private readonly KeyValuePair<string, DescriptionValue>[] _original = original.SortedEntries;

    // The original's values once one of them changed; null where a key was removed.
    private DescriptionValue?[]? _values;
    private int _removed;

    // Keys the original does not have, in the order they came; a null value where one was removed again.
    private List<KeyValuePair<string, DescriptionValue?>>? _added;
    private Dictionary<string, int>? _addedIndex;

    public DescriptionValue? this[string key]
    {
        get
        {
            var index = MapValue.IndexOf(_original, key);
            if (index >= 0)
            {
                return _values is null ? _original[index].Value : _values[index];
            }

            return AddedIndexOf(key) is var added and >= 0 ? _added![added].Value : null;
        }
    }

    /// <summary>Sets <paramref name="key"/>; a value equal to the one there keeps the one there (as <see cref="MapValue.With"/>).</summary>
    public void Set(string key, DescriptionValue value)
    {
        var index = MapValue.IndexOf(_original, key);
        if (index >= 0)
        {
            var current = _values is null ? _original[index].Value : _values[index];
            if (Equals(current, value))
            {
                return;
            }

            var values = Values();
            _removed -= values[index] is null ? 1 : 0;
            values[index] = value;
            return;
        }

        var added = AddedIndexOf(key);
        if (added >= 0)
        {
            _added![added] = KeyValuePair.Create(key, Equals(_added[added].Value, value) ? _added[added].Value : value);
            return;
        }

        _added ??= new(Math.Max(4, expectedChanges));
        _added.Add(KeyValuePair.Create<string, DescriptionValue?>(key, value));
        if (_addedIndex is not null)
        {
            _addedIndex[key] = _added.Count - 1;
        }
        else if (_added.Count > IndexedAdditions)
        {
            _addedIndex = new Dictionary<string, int>(_added.Count * 2, StringComparer.Ordinal);
            for (var i = 0; i < _added.Count; i++)
            {
                _addedIndex[_added[i].Key] = i;
            }
        }
    }

    public void Remove(string key)
    {
        var index = MapValue.IndexOf(_original, key);
        if (index >= 0)
        {
            var values = Values();
            _removed += values[index] is null ? 0 : 1;
            values[index] = null;
            return;
        }

        if (AddedIndexOf(key) is var added and >= 0)
        {
            _added![added] = KeyValuePair.Create<string, DescriptionValue?>(key, null);
        }
    }

    /// <summary>The map with every change; the original map itself when nothing changed.</summary>
    public MapValue ToMap()
    {
        var additions = Additions();
        if (_values is null && additions.Length == 0)
        {
            return original;
        }

        if (_original.Length == 0)
        {
            return MapValue.FromSorted(additions);
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

    private KeyValuePair<string, DescriptionValue>[] Additions()
    {
        if (_added is null)
        {
            return [];
        }

        var sorted = new KeyValuePair<string, DescriptionValue>[_added.Count(e => e.Value is not null)];
        var next = 0;
        foreach (var (key, value) in _added)
        {
            if (value is not null)
            {
                sorted[next++] = KeyValuePair.Create(key, value);
            }
        }

        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
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

    private int AddedIndexOf(string key)
    {
        if (_added is null)
        {
            return -1;
        }

        if (_addedIndex is not null)
        {
            return _addedIndex.TryGetValue(key, out var index) ? index : -1;
        }

        for (var i = 0; i < _added.Count; i++)
        {
            if (string.Equals(_added[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
