namespace Vse.Deploy.Mpi;

/// <summary>
/// How MPI ranks wait when there are more of them than cores (docs/parallel.md, "Oversubscription").
/// An MPI library that believes every rank owns a core busy-polls while it waits; ranks that share
/// cores then wait on one another for whole scheduler slices (LAMMPS across 4 instances on 2 cores:
/// 17.1 s instead of 0.44 s). Open MPI and MPICH notice oversubscription only among the ranks of one
/// host they are told about: every instance's hostfile line says one slot, so across instances they
/// cannot, and vse, which knows how many instances share this node, tells them.
/// </summary>
public static class MpiIdleEnvironment
{
    /// <summary>Open MPI: <c>sched_yield</c> in its progress loop when it finds nothing to do.</summary>
    public const string OpenMpiYieldWhenIdle = "OMPI_MCA_mpi_yield_when_idle";

    /// <summary>MPICH (and its ABI family): polls of its progress loop between yields; its default is 1,000.</summary>
    public const string MpichPollsBeforeYield = "MPIR_CVAR_POLLS_BEFORE_YIELD";

    /// <summary>MPI ranks vse's hostfile gives each instance (its <c>slots=</c>).</summary>
    public const int SlotsPerInstance = 1;

    /// <summary>What vse sets in every instance when its ranks outnumber the cores.</summary>
    public static readonly IReadOnlyDictionary<string, string> WhenOversubscribed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [OpenMpiYieldWhenIdle] = "1",
        [MpichPollsBeforeYield] = "1",
    };

    /// <summary>Whether <paramref name="instances"/> instances on this node, <see cref="SlotsPerInstance"/> ranks each, outnumber <paramref name="cores"/>.</summary>
    public static bool IsOversubscribed(int instances, int cores)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cores, 1);
        return (long)instances * SlotsPerInstance > cores;
    }

    /// <summary>
    /// The instances' environment: <paramref name="env"/> (the description's, which always wins) with
    /// <see cref="WhenOversubscribed"/> added where the description does not set a variable, when
    /// <paramref name="instances"/> outnumber <paramref name="cores"/>; else <paramref name="env"/> as it is.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Apply(IReadOnlyDictionary<string, string> env, int instances, int cores)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (!IsOversubscribed(instances, cores))
        {
            return env;
        }

        var combined = new Dictionary<string, string>(env, StringComparer.Ordinal);
        foreach (var (name, value) in WhenOversubscribed)
        {
            combined.TryAdd(name, value);
        }

        return combined;
    }
}
