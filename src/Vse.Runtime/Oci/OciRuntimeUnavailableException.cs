namespace Vse.Runtime.Oci;

/// <summary>No OCI runtime works on this host (or not the one the user asked for).</summary>
public sealed class OciRuntimeUnavailableException(string message, IReadOnlyList<OciRuntimeProbeResult> probes) : Exception(message)
{
    public IReadOnlyList<OciRuntimeProbeResult> Probes { get; } = probes;
}
