namespace Vse.Description.Diagnostics;

/// <summary>Collects the diagnostics of one run, in the order they were found.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Any(d => d.IsError);

    public void Error(string code, SourceLocation location, string message) =>
        _items.Add(new Diagnostic(Severity.Error, code, location, message));

    public void Warning(string code, SourceLocation location, string message) =>
        _items.Add(new Diagnostic(Severity.Warning, code, location, message));

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);
}
