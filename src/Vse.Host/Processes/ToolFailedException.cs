namespace Vse.Host.Processes;

/// <summary>An external tool (mmdebstrap, mksquashfs, …) exited with an error.</summary>
public sealed class ToolFailedException(string tool, int exitCode, string errorTail)
    : Exception($"{tool} failed with exit code {exitCode}{(errorTail.Length > 0 ? ": " + errorTail : "")}")
{
    public string Tool { get; } = tool;

    public int ExitCode { get; } = exitCode;

    /// <summary>The last lines the tool wrote on stderr, which usually say why.</summary>
    public string ErrorTail { get; } = errorTail;
}
