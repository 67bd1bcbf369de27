using System.Collections;

namespace Vse.Description.Model;

/// <summary>
/// A read-only view of a <see cref="MapValue"/>'s entries in ordinal order of their keys.
/// A struct with a struct enumerator, so that <c>foreach</c> over a map allocates nothing; the
/// map's array stays its own (no caller can cast the view back to it and write).
/// </summary>
public readonly struct MapEntries : IReadOnlyList<KeyValuePair<string, DescriptionValue>>
{
    private readonly KeyValuePair<string, DescriptionValue>[]? _entries;

    internal MapEntries(KeyValuePair<string, DescriptionValue>[] entries) => _entries = entries;

    private KeyValuePair<string, DescriptionValue>[] Items => _entries ?? [];

    public int Count => Items.Length;

    public bool IsEmpty => Items.Length == 0;

    public KeyValuePair<string, DescriptionValue> this[int index] => Items[index];

    public IEnumerable<string> Keys => Items.Select(e => e.Key);

    public IEnumerable<DescriptionValue> Values => Items.Select(e => e.Value);

    public Enumerator GetEnumerator() => new(Items);

    IEnumerator<KeyValuePair<string, DescriptionValue>> IEnumerable<KeyValuePair<string, DescriptionValue>>.GetEnumerator() => Enumerate(Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Enumerate(Items).GetEnumerator();

    // An iterator, not the array's own enumerator: the array must not be reachable from outside.
    private static IEnumerable<KeyValuePair<string, DescriptionValue>> Enumerate(KeyValuePair<string, DescriptionValue>[] items)
    {
        foreach (var entry in items)
        {
            yield return entry;
        }
    }

    public struct Enumerator(KeyValuePair<string, DescriptionValue>[] entries) : IEnumerator<KeyValuePair<string, DescriptionValue>>
    {
        private int _index = -1;

        public readonly KeyValuePair<string, DescriptionValue> Current => entries[_index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < entries.Length;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
