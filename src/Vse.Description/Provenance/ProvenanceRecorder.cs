using Vse.Description.Diagnostics;
using Vse.Description.Model;

namespace Vse.Description.Provenance;

/// <summary>Collects provenance while layers merge, and remembers what the current layer touched.</summary>
/// <param name="expectedPaths">How many paths the merge is expected to record (<see cref="ProvenanceEstimate"/>).</param>
internal sealed class ProvenanceRecorder(int expectedPaths = 0)
{
    // Handed to the log as it is: tens of thousands of paths are not copied.
    private readonly ProvenanceTable _events = new(expectedPaths);
    private readonly List<(PathKey Path, ProvenanceAction Action, SourceLocation Location)> _touchedByLayer = [];

    public string Layer { get; private set; } = "";

    /// <summary>The paths the current layer changed, first to last.</summary>
    public IReadOnlyList<(PathKey Path, ProvenanceAction Action, SourceLocation Location)> TouchedByLayer => _touchedByLayer;

    public void BeginLayer(string layer)
    {
        Layer = layer;
        _touchedByLayer.Clear();
    }

    public void Record(PathKey path, ProvenanceAction action, SourceLocation location, ScalarValue? value = null)
    {
        _events.Add(path, action, Layer, location, value);
        _touchedByLayer.Add((path, action, location));
    }

    /// <summary>The log; the recorder must not be used afterwards (the log shares its table).</summary>
    public ProvenanceLog ToLog() => new(_events);
}
