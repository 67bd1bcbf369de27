using System.Text.Json.Serialization;

namespace Vse.Runtime.Host;

/// <summary>How QEMU runs guest code: hardware virtualisation, or translated on the host CPU (~1.6 s to boot a microvm).</summary>
public enum VmAccelerator
{
    [JsonStringEnumMemberName("tcg")]
    Tcg,

    [JsonStringEnumMemberName("kvm")]
    Kvm,
}
