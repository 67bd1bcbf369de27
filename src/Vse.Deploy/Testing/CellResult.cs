namespace Vse.Deploy.Testing;

/// <summary>How a cell ended.</summary>
public enum CellOutcome
{
    /// <summary>The command exited 0.</summary>
    Passed,

    /// <summary>The command ran and exited non-zero.</summary>
    Failed,

    /// <summary>The command never ran: the description was refused, the build or the deploy failed.</summary>
    Error,
}

/// <summary>What one cell of a matrix did.</summary>
/// <param name="ExitCode">The command's exit code; null when it never ran.</param>
/// <param name="Output">The command's output (stdout and stderr, interleaved), or what stopped the cell.</param>
/// <param name="KeptDeployment">The id of a failed cell's deployment left up (<c>--keep-failed</c>).</param>
public sealed record CellResult(MatrixCell Cell, CellOutcome Outcome, int? ExitCode, TimeSpan Duration, string Output, string? KeptDeployment = null);
