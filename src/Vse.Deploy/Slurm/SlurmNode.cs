namespace Vse.Deploy.Slurm;

/// <summary>One node of a partition as <c>sinfo</c> reports it.</summary>
/// <param name="State">Slurm's state, lowercase, without the flag characters (<c>*</c>, <c>~</c>, <c>#</c>, ...): <c>idle</c>, <c>mixed</c>, <c>down</c>, ...</param>
/// <param name="MemoryMb">RealMemory, in megabytes.</param>
public sealed record SlurmNode(string Name, int Cpus, long MemoryMb, string State, bool Responding)
{
    // States in which a node takes (or will take) new jobs; anything else (down, drained, failing,
    // powered down, unknown) makes a request that needs it wait forever.
    private static readonly HashSet<string> Usable = new(StringComparer.Ordinal) { "idle", "mixed", "allocated", "completing", "planned", "reserved" };

    /// <summary>Whether a job can be scheduled on it: responding and in a state that accepts jobs.</summary>
    public bool IsUsable => Responding && Usable.Contains(State);
}
