using System.Runtime.InteropServices;
using HostArchitecture = System.Runtime.InteropServices.Architecture;

namespace Vse.Build.Exports;

/// <summary>The OCI (Go) names of the platform the tree was built for.</summary>
internal static class OciPlatform
{
    public const string Os = "linux";

    /// <summary>
    /// Bases are bootstrapped and built for the host's architecture, so the host's is the
    /// image's (amd64 on x86-64).
    /// </summary>
    public static string Architecture => RuntimeInformation.OSArchitecture switch
    {
        HostArchitecture.X64 => "amd64",
        HostArchitecture.Arm64 => "arm64",
        HostArchitecture.Arm or HostArchitecture.Armv6 => "arm",
        HostArchitecture.X86 => "386",
        HostArchitecture.RiscV64 => "riscv64",
        HostArchitecture.Ppc64le => "ppc64le",
        HostArchitecture.S390x => "s390x",
        HostArchitecture.LoongArch64 => "loong64",
        var other => other.ToString().ToLowerInvariant(),
    };
}
