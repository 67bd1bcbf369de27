using Vse.Runtime.Host;

namespace Vse.Runtime.Drivers;

/// <summary>
/// Reaches a driver's optional abilities, turning "not implemented" and "not on this host"
/// into one <see cref="DriverCapabilityMissingException"/> instead of a cast failure.
/// </summary>
public static class DriverAbilities
{
    public static ISuspendable Suspendable(IDriver driver) =>
        driver is ISuspendable suspendable && driver.Capabilities.Suspend
            ? suspendable
            : throw new DriverCapabilityMissingException(driver.Name, "suspend or resume an instance", driver.Capabilities.Limitation);

    public static ICheckpointable Checkpointable(IDriver driver) =>
        driver is ICheckpointable checkpointable && driver.Capabilities.Checkpoint
            ? checkpointable
            : throw new DriverCapabilityMissingException(driver.Name, "checkpoint or restore an instance");

    public static IMigratable Migratable(IDriver driver) =>
        driver is IMigratable migratable && driver.Capabilities.Migrate
            ? migratable
            : throw new DriverCapabilityMissingException(driver.Name, "migrate a running instance to another host", driver.Capabilities.Limitation);

    public static IRunsOnce RunsOnce(IDriver driver) =>
        driver as IRunsOnce ?? throw new DriverCapabilityMissingException(driver.Name, "run a one-shot command as a whole instance");

    public static void RequireNetworkMode(IDriver driver, NetworkMode mode)
    {
        if (!driver.Capabilities.NetworkModes.Contains(mode))
        {
            throw new DriverCapabilityMissingException(driver.Name, $"give an instance network mode '{NetworkModes.Name(mode)}'", driver.Capabilities.NetworkLimitation);
        }
    }

    /// <summary>
    /// The limits <paramref name="spec"/> asks for that the driver cannot apply on this host, one
    /// line each saying why: the caller says them once (a warning) and the instances still start,
    /// without those limits.
    /// </summary>
    public static IReadOnlyList<string> UnappliedLimits(IDriver driver, InstanceSpec spec) => UnappliedLimits(driver.Capabilities.Cgroups, spec);

    /// <summary><see cref="UnappliedLimits(IDriver, InstanceSpec)"/> for instances placed as <paramref name="cgroups"/> says (null: limits need no cgroup).</summary>
    public static IReadOnlyList<string> UnappliedLimits(CgroupPlacement? cgroups, InstanceSpec spec)
    {
        if (cgroups is null)
        {
            return [];
        }

        var unapplied = new List<string>();
        if (spec.Cpus is not null && cgroups.WhyNot("cpu") is { } noCpu)
        {
            unapplied.Add($"resources.cpus is not applied: {noCpu}");
        }

        if (spec.MemoryBytes is not null && cgroups.WhyNot("memory") is { } noMemory)
        {
            unapplied.Add($"resources.memory is not applied: {noMemory}");
        }

        return unapplied;
    }
}
