namespace Vse.Build.Kernels;

/// <summary>
/// <c>kernel.json</c> in a <see cref="KernelStore"/> entry: what the entry holds and where it came
/// from. Written before the rename that publishes the entry, so an entry with it is complete.
/// </summary>
/// <param name="Source">The <c>os.kernel</c> value it was first made for.</param>
/// <param name="Modules">The modules in the load list, in order.</param>
/// <param name="BuiltIn">Boot modules the kernel has built in.</param>
/// <param name="Absent">Boot modules this kernel lacks altogether (e.g. 9p in Debian's cloud flavour).</param>
internal sealed record KernelRecord(
    string Source,
    string Identity,
    string Release,
    IReadOnlyList<string> Modules,
    IReadOnlyList<string> BuiltIn,
    IReadOnlyList<string> Absent);
