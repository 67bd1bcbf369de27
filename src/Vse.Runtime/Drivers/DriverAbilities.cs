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
            throw new DriverCapabilityMissingException(driver.Name, $"give an instance network mode '{NetworkModes.Name(mode)}'");
        }
    }
}
