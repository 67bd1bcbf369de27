using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Vse.Description.Diagnostics;
using Vse.Description.Model;

namespace Vse.Description.Provenance;

/// <summary>
/// The events of every value path, in merge order, as the resolver records them: each event is a
/// struct in an array of events (linked to the next event of its path), and the path table maps a
/// path (a <see cref="PathKey"/>: its text is made when asked for) to its first and last event. A <see cref="ProvenanceEvent"/> list is made only when a
/// path's events are asked for (<c>vse explain</c>, an error's location, the resolve cache).
/// </summary>
/// <remarks>
/// The provenance lives as long as the resolved description, so every object of it is copied from
/// GC generation to generation while a resolve runs. An event object and a list (or chain) object
/// per path were two of the ~8 objects each of the ~14,000 paths of the 10,000-key benchmark kept
/// alive; here a path keeps none of its own. The arrays hold 2,048 events (64 KB),
/// under the size that would put them on the large object heap.
/// </remarks>
/// <param name="expectedPaths">How many paths are expected, when known (<see cref="PartitionedPathTable{TKey, TValue}"/>).</param>
internal sealed class ProvenanceTable(int expectedPaths = 0) : IReadOnlyDictionary<string, IReadOnlyList<ProvenanceEvent>>
{
    private const int ChunkShift = 11;
    private const int ChunkSize = 1 << ChunkShift;

    private readonly PartitionedPathTable<PathKey, (int First, int Last)> _paths = new(expectedPaths);
    private readonly List<Event[]> _chunks = [];
    private int _count;

    public int Count => _paths.Count;

    public IEnumerable<string> Keys => _paths.Keys.Select(path => path.ToString());

    public IEnumerable<IReadOnlyList<ProvenanceEvent>> Values => _paths.Values.Select(Events);

    public IReadOnlyList<ProvenanceEvent> this[string key] =>
        TryGetValue(key, out var events) ? events : throw new KeyNotFoundException($"no provenance for '{key}'");

    /// <summary>Appends an event to the events of <paramref name="path"/>.</summary>
    public void Add(PathKey path, ProvenanceAction action, string layer, SourceLocation location, ScalarValue? value)
    {
        var index = _count;
        if ((index & (ChunkSize - 1)) == 0)
        {
            _chunks.Add(new Event[ChunkSize]);
        }

        At(index) = new Event(action, layer, location, value);
        _count++;
        ref var range = ref _paths.ValueOrNew(path, out var existed);
        if (existed)
        {
            At(range.Last).Next = index;
            range.Last = index;
        }
        else
        {
            range = (index, index);
        }
    }

    public bool ContainsKey(string key) => _paths.ContainsKey(PathKey.Of(key));

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out IReadOnlyList<ProvenanceEvent> value)
    {
        if (!_paths.TryGetValue(PathKey.Of(key), out var range))
        {
            value = null;
            return false;
        }

        value = Events(range);
        return true;
    }

    public IEnumerator<KeyValuePair<string, IReadOnlyList<ProvenanceEvent>>> GetEnumerator() =>
        _paths.Select(pair => KeyValuePair.Create<string, IReadOnlyList<ProvenanceEvent>>(pair.Key.ToString(), Events(pair.Value))).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ProvenanceEvent[] Events((int First, int Last) range)
    {
        var count = 1;
        for (var index = range.First; index != range.Last; index = At(index).Next)
        {
            count++;
        }

        var events = new ProvenanceEvent[count];
        for (int i = 0, index = range.First; i < count; i++, index = At(index).Next)
        {
            ref readonly var recorded = ref At(index);
            events[i] = new ProvenanceEvent(recorded.Action, recorded.Layer, recorded.Location, recorded.Value);
        }

        return events;
    }

    private ref Event At(int index) => ref _chunks[index >> ChunkShift][index & (ChunkSize - 1)];

    /// <param name="Next">The index of the path's next event; only read up to the path's last one.</param>
    private record struct Event(ProvenanceAction Action, string Layer, SourceLocation Location, ScalarValue? Value)
    {
        public int Next { get; set; }
    }
}
