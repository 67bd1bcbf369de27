using Vse.Description.Diagnostics;
using Vse.Description.Model;

namespace Vse.Description.Provenance;

/// <summary>Collects provenance while layers merge, and remembers what the current layer touched.</summary>
internal sealed class ProvenanceRecorder
{
    // Typed as the log reads it, so that ToLog hands the table over instead of copying tens of
    // thousands of entries; every value is a ProvenanceChain this recorder made and appends to.
    private readonly PartitionedPathTable<IReadOnlyList<ProvenanceEvent>> _events = new();
    private readonly List<(string Path, ProvenanceAction Action, SourceLocation Location)> _touchedByLayer = [];

    public string Layer { get; private set; } = "";

    /// <summary>The paths the current layer changed, first to last.</summary>
    public IReadOnlyList<(string Path, ProvenanceAction Action, SourceLocation Location)> TouchedByLayer => _touchedByLayer;

    public void BeginLayer(string layer)
    {
        Layer = layer;
        _touchedByLayer.Clear();
    }

    public void Record(string path, ProvenanceAction action, SourceLocation location, ScalarValue? value = null)
    {
        var recorded = new ProvenanceEvent(action, Layer, location, value);
        if (_events.TryGetValue(path, out var events))
        {
            ((ProvenanceChain)events).Add(recorded);
        }
        else
        {
            _events[path] = new ProvenanceChain(recorded);
        }

        _touchedByLayer.Add((path, action, location));
    }

    /// <summary>The log; the recorder must not be used afterwards (the log shares its dictionary and lists).</summary>
    public ProvenanceLog ToLog() => new(_events);
}
