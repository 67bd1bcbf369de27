namespace Vse.Host.Confinement;

/// <summary>
/// How a syscall argument is compared: libseccomp's <c>enum scmp_compare</c> values, whose names
/// the OCI spec spells <c>SCMP_CMP_*</c>.
/// </summary>
public enum SeccompOperator
{
    NotEqual = 1,
    LessThan = 2,
    LessOrEqual = 3,
    Equal = 4,
    GreaterOrEqual = 5,
    GreaterThan = 6,

    /// <summary>(argument &amp; Value) == ValueTwo: Value is the mask.</summary>
    MaskedEqual = 7,
}
