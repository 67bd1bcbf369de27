namespace Vse.Description.Diagnostics;

/// <summary>
/// One problem found in user input. User mistakes are values, not exceptions, so that every
/// problem of a run can be collected and reported together.
/// </summary>
/// <param name="Code">Stable identifier, e.g. <c>VSE0201</c>; see <see cref="DiagnosticCodes"/>.</param>
public sealed record Diagnostic(Severity Severity, string Code, SourceLocation Location, string Message)
{
    public DiagnosticKind Kind => DiagnosticCodes.KindOf(Code);

    public bool IsError => Severity == Severity.Error;

    /// <summary>The one-line form of DESIGN §2.4: <c>FILE:LINE:COLUMN: error: MESSAGE [CODE]</c>.</summary>
    public override string ToString() =>
        $"{Location}: {(IsError ? "error" : "warning")}: {Message} [{Code}]";
}
