namespace Vse.Runtime.Drivers;

/// <summary>
/// The driver and runtime a deployment was made with, as its record keeps them and <c>vse ps</c>
/// shows them: <c>sandbox:runc</c>, <c>sandbox:crun</c>, <c>sandbox:vse-launch</c>,
/// <c>vm:tcg</c>, <c>vm:kvm</c>. Chosen (and probed) once at deploy time; later commands use
/// it as it is (<see cref="DriverCatalog.OfRecordAsync"/>) instead of probing again.
/// </summary>
/// <param name="Driver">The driver's name (<see cref="IDriver.Name"/>).</param>
/// <param name="Runtime">What runs its instances: the OCI runtime or the launcher of a sandbox, a VM's accelerator.</param>
public sealed record DriverRuntime(string Driver, string Runtime)
{
    /// <summary>What records written before the runtime was recorded ran on.</summary>
    private const string UnrecordedRuntime = "runc";

    public static DriverRuntime Parse(string recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return recorded.Split(':', 2) is [var driver, var runtime] ? new(driver, runtime) : new(recorded, UnrecordedRuntime);
    }

    public override string ToString() => $"{Driver}:{Runtime}";
}
