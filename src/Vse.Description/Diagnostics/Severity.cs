namespace Vse.Description.Diagnostics;

public enum Severity
{
    Warning,
    Error,
}
