using System.Runtime.InteropServices;
using Vse.Host.Confinement;

namespace Vse.Runtime.Oci;

/// <summary>
/// <see cref="SeccompProfile"/> as the OCI spec's <c>linux.seccomp</c>: the same rules, names and
/// comparisons that vse compiles for build steps and the bulk launcher, so a runc instance is
/// filtered as any other. Only the native architecture is listed: the runtime's libseccomp then
/// kills a syscall of another ABI, as vse's own program does.
/// </summary>
public static class OciSeccompSection
{
    public static OciSeccomp Build() => new(
        "SCMP_ACT_ALLOW",
        [NativeArchitecture()],
        [.. SeccompProfile.Rules.Select(rule => new OciSyscall(
            rule.Names,
            "SCMP_ACT_ERRNO",
            (uint)rule.Errno,
            [.. rule.Conditions.Select(c => new OciSyscallArgument(c.Index, c.Value, c.ValueTwo, OperatorName(c.Operator)))]))]);

    private static string OperatorName(SeccompOperator op) => op switch
    {
        SeccompOperator.NotEqual => "SCMP_CMP_NE",
        SeccompOperator.LessThan => "SCMP_CMP_LT",
        SeccompOperator.LessOrEqual => "SCMP_CMP_LE",
        SeccompOperator.Equal => "SCMP_CMP_EQ",
        SeccompOperator.GreaterOrEqual => "SCMP_CMP_GE",
        SeccompOperator.GreaterThan => "SCMP_CMP_GT",
        SeccompOperator.MaskedEqual => "SCMP_CMP_MASKED_EQ",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    private static string NativeArchitecture() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "SCMP_ARCH_X86_64",
        Architecture.Arm64 => "SCMP_ARCH_AARCH64",
        Architecture.RiscV64 => "SCMP_ARCH_RISCV64",
        Architecture.Ppc64le => "SCMP_ARCH_PPC64LE",
        // s390x passes clone's flags second: the profile's clone rules would read the wrong argument.
        var other => throw new PlatformNotSupportedException($"vse has no seccomp profile for {other}"),
    };
}
