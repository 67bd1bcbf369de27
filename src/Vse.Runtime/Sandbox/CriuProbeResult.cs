namespace Vse.Runtime.Sandbox;

/// <summary>What <see cref="CriuProbe"/> found: whether the sandbox driver can checkpoint here, and if not, why.</summary>
/// <param name="Path">The criu binary, or null when it is not installed.</param>
/// <param name="Version">As <c>criu --version</c> says it (<c>3.17.1</c>), when it says.</param>
/// <param name="Kernel">The running kernel's release: CRIU depends on it more than on anything else.</param>
/// <param name="Error">CRIU's own reason for failing its check, one line.</param>
public sealed record CriuProbeResult(string? Path, string? Version, string Kernel, bool Works, string? Error)
{
    /// <summary>Why a checkpoint cannot be made here, in words for the user; null when it can.</summary>
    public string? Explanation => this switch
    {
        { Works: true } => null,
        { Path: null } => "it needs CRIU, which is not installed (Debian package criu)",
        _ => $"it needs CRIU, and CRIU {Version ?? "(unknown version)"} does not work here (kernel {Kernel}): {Error}",
    };
}
