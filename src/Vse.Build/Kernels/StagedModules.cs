namespace Vse.Build.Kernels;

/// <summary>What became of the modules vse boots with, in one kernel.</summary>
/// <param name="Loaded">The modules kept, in load order (the wanted ones and their dependencies).</param>
/// <param name="BuiltIn">Wanted modules or dependencies that the kernel has built in: nothing to load.</param>
/// <param name="Absent">Wanted modules this kernel has in neither form (e.g. 9p in Debian's cloud flavour).</param>
internal sealed record StagedModules(IReadOnlyList<string> Loaded, IReadOnlyList<string> BuiltIn, IReadOnlyList<string> Absent);
