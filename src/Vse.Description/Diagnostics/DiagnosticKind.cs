namespace Vse.Description.Diagnostics;

/// <summary>What a diagnostic is about; it decides the exit code (DESIGN §2.4).</summary>
public enum DiagnosticKind
{
    /// <summary>Syntax, schema, lookup, merge or interpolation problem: exit code 2.</summary>
    Input,

    /// <summary>A site policy forbids the description: exit code 3.</summary>
    Policy,
}
