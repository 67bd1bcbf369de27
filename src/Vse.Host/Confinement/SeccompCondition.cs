namespace Vse.Host.Confinement;

/// <summary>
/// One comparison of a syscall argument; a rule applies when all of its conditions hold. The
/// fields mean what libseccomp's <c>struct scmp_arg_cmp</c> and the OCI spec's
/// <c>linux.seccomp.syscalls[].args[]</c> mean by them (for <see cref="SeccompOperator.MaskedEqual"/>,
/// <paramref name="Value"/> is the mask and <paramref name="ValueTwo"/> what the masked argument must equal).
/// </summary>
/// <param name="Index">The argument, 0 to 5.</param>
public sealed record SeccompCondition(uint Index, SeccompOperator Operator, ulong Value, ulong ValueTwo = 0)
{
    /// <summary>True when every bit of <paramref name="bits"/> is set in the argument.</summary>
    public static SeccompCondition HasBits(uint index, ulong bits) => new(index, SeccompOperator.MaskedEqual, bits, bits);
}
