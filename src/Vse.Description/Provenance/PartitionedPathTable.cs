using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Vse.Description.Provenance;

/// <summary>
/// A map from value path to <typeparamref name="TValue"/>, kept in several small dictionaries
/// instead of one. A hierarchy of 10,000 keys records ~14,000 paths: one dictionary of that size
/// grows through entry arrays of 150-600 KB, which go on the large object heap, and each of those
/// allocations brings a full (gen2) collection nearer; that was ~0.4 gen2 collections per resolve.
/// With <see cref="Partitions"/> parts, each stays under the large-object size up to ~50,000 paths.
/// </summary>
/// <remarks>Enumeration order is by part, not by insertion: readers sort (<see cref="ProvenanceLog.Paths"/>).</remarks>
/// <param name="expected">
/// How many keys are expected, when known: each part is made large enough for its share at once.
/// Grown by doubling from empty, the parts' entry arrays added up to twice their final size
/// (~0.8 MB per resolve of the 10,000-key hierarchy) and the last one was a third unused.
/// </param>
internal sealed class PartitionedPathTable<TKey, TValue>(int expected = 0) : IReadOnlyDictionary<TKey, TValue>
    where TKey : notnull
{
    private const int Partitions = 16;

    private readonly Dictionary<TKey, TValue>[] _parts =
        [.. Enumerable.Range(0, Partitions).Select(_ => new Dictionary<TKey, TValue>(expected / Partitions))];

    public int Count => _parts.Sum(part => part.Count);

    public IEnumerable<TKey> Keys => _parts.SelectMany(part => part.Keys);

    public IEnumerable<TValue> Values => _parts.SelectMany(part => part.Values);

    public TValue this[TKey key]
    {
        get => PartOf(key)[key];
        set => PartOf(key)[key] = value;
    }

    /// <summary>The value of <paramref name="key"/>, added as <c>default</c> if it was not there: one lookup to read and update it.</summary>
    /// <remarks>The reference is good until the next key is added.</remarks>
    public ref TValue? ValueOrNew(TKey key, out bool existed) =>
        ref CollectionsMarshal.GetValueRefOrAddDefault(PartOf(key), key, out existed);

    public bool ContainsKey(TKey key) => PartOf(key).ContainsKey(key);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => PartOf(key).TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => _parts.SelectMany(part => part).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // The key's own hash (a string's ordinal one): paths share long prefixes and suffixes (packages[lib...-dev]).
    private Dictionary<TKey, TValue> PartOf(TKey key) => _parts[(uint)key.GetHashCode() % Partitions];
}
