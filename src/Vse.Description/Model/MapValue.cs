using System.Diagnostics.CodeAnalysis;

namespace Vse.Description.Model;

/// <summary>A map with keys in ordinal order.</summary>
/// <remarks>
/// One array of entries sorted by key, searched by halving. A tree of immutable nodes
/// (<c>ImmutableSortedDictionary</c>) made an object of 56 bytes per entry: ~11,700 per resolve of
/// the 10,000-key hierarchy, all of them kept by the result and copied by every collection that
/// ran before the resolve ended. Maps in descriptions are either small (a mount, a step's body) or
/// built once per layer (<see cref="MapValueBuilder"/>), so copying the array on a change is cheap.
/// Equality is that of the record: two maps are equal when they share their entries, as before.
/// </remarks>
public sealed record MapValue : DescriptionValue
{
    private static readonly Comparison<KeyValuePair<string, DescriptionValue>> KeyOrder =
        (a, b) => string.CompareOrdinal(a.Key, b.Key);

    private readonly KeyValuePair<string, DescriptionValue>[] _entries;

    private MapValue(KeyValuePair<string, DescriptionValue>[] entries) => _entries = entries;

    public static MapValue Empty { get; } = new([]);

    /// <summary>The entries, in ordinal order of their keys.</summary>
    public MapEntries Entries => new(_entries);

    public int Count => _entries.Length;

    public bool IsEmpty => _entries.Length == 0;

    public DescriptionValue? this[string key] => IndexOf(_entries, key) is var index and >= 0 ? _entries[index].Value : null;

    /// <summary>A map of the given entries, in any order.</summary>
    /// <exception cref="ArgumentException">Two entries have the same key.</exception>
    public static MapValue Of(IEnumerable<KeyValuePair<string, DescriptionValue>> entries)
    {
        var array = entries.ToArray();
        if (array.Length == 0)
        {
            return Empty;
        }

        // Entries that come sorted (a cache file, another map) are only checked, not sorted again.
        for (var i = 1; i < array.Length; i++)
        {
            if (string.CompareOrdinal(array[i - 1].Key, array[i].Key) >= 0)
            {
                Array.Sort(array, KeyOrder);
                break;
            }
        }

        for (var i = 1; i < array.Length; i++)
        {
            if (string.Equals(array[i - 1].Key, array[i].Key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"the key '{array[i].Key}' is given twice", nameof(entries));
            }
        }

        return new(array);
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out DescriptionValue value)
    {
        var index = IndexOf(_entries, key);
        value = index >= 0 ? _entries[index].Value : null;
        return index >= 0;
    }

    public bool ContainsKey(string key) => IndexOf(_entries, key) >= 0;

    /// <summary>This map with <paramref name="key"/> set; the same map when it already holds an equal value.</summary>
    public MapValue With(string key, DescriptionValue value)
    {
        var index = IndexOf(_entries, key);
        if (index >= 0)
        {
            if (Equals(_entries[index].Value, value))
            {
                return this;
            }

            var changed = (KeyValuePair<string, DescriptionValue>[])_entries.Clone();
            changed[index] = KeyValuePair.Create(_entries[index].Key, value);
            return new(changed);
        }

        var at = ~index;
        var grown = new KeyValuePair<string, DescriptionValue>[_entries.Length + 1];
        Array.Copy(_entries, grown, at);
        grown[at] = KeyValuePair.Create(key, value);
        Array.Copy(_entries, at, grown, at + 1, _entries.Length - at);
        return new(grown);
    }

    /// <summary>This map without <paramref name="key"/>; the same map when it has no such key.</summary>
    public MapValue Without(string key)
    {
        var index = IndexOf(_entries, key);
        if (index < 0)
        {
            return this;
        }

        if (_entries.Length == 1)
        {
            return Empty;
        }

        var shrunk = new KeyValuePair<string, DescriptionValue>[_entries.Length - 1];
        Array.Copy(_entries, shrunk, index);
        Array.Copy(_entries, index + 1, shrunk, index, _entries.Length - index - 1);
        return new(shrunk);
    }

    /// <summary>
    /// This map with each value replaced by what <paramref name="change"/> gives for it (<c>null</c>
    /// drops the entry), in one copy; the same map when every value comes back as it was.
    /// </summary>
    public MapValue WithEach(Func<string, DescriptionValue, DescriptionValue?> change)
    {
        KeyValuePair<string, DescriptionValue>[]? changed = null;
        var kept = 0;
        for (var i = 0; i < _entries.Length; i++)
        {
            var (key, value) = _entries[i];
            var updated = change(key, value);
            if (changed is null)
            {
                if (ReferenceEquals(updated, value))
                {
                    continue;
                }

                changed = new KeyValuePair<string, DescriptionValue>[_entries.Length];
                Array.Copy(_entries, changed, i);
                kept = i;
            }

            if (updated is not null)
            {
                changed[kept++] = KeyValuePair.Create(key, updated);
            }
        }

        if (changed is null)
        {
            return this;
        }

        if (kept == 0)
        {
            return Empty;
        }

        Array.Resize(ref changed, kept);
        return new(changed);
    }

    /// <summary>A map of entries the caller has sorted by key, with no key twice, and hands over.</summary>
    internal static MapValue FromSorted(KeyValuePair<string, DescriptionValue>[] sorted) => sorted.Length == 0 ? Empty : new(sorted);

    /// <summary>The index of <paramref name="key"/>, or the complement of where it would go.</summary>
    internal static int IndexOf(KeyValuePair<string, DescriptionValue>[] entries, string key)
    {
        var low = 0;
        var high = entries.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(entries[middle].Key, key);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    internal KeyValuePair<string, DescriptionValue>[] SortedEntries => _entries;
}
