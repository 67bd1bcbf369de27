using Vse.Runtime.Host;

namespace Vse.Runtime.Drivers;

/// <summary>
/// What a driver can do on this host, so the CLI can refuse an operation with a clear message
/// before trying it. <see cref="Suspend"/> and <see cref="Checkpoint"/> are true only when the
/// driver implements <see cref="ISuspendable"/> / <see cref="ICheckpointable"/> and the host
/// supports them.
/// </summary>
/// <param name="Limitation">Why this host takes abilities away from the driver (e.g. rootless: no cgroup), or null.</param>
/// <param name="NetworkLimitation">Why a network mode the driver has elsewhere is missing on this host (e.g. rootless), or null: the refusal says it.</param>
/// <param name="Terminal">Whether <see cref="ExecRequest.Tty"/> works: a command can get a terminal of its own (a VM's guest agent runs commands on pipes only).</param>
/// <param name="Cgroups">Where the driver's instances' cgroups go and which limits they can enforce; null for a driver whose limits need no cgroup (a VM's are QEMU's).</param>
/// <param name="SharedNetwork">Whether the driver makes instances in a network namespace it is given (<see cref="InstanceSpec.SharedNetwork"/>); <see cref="NetworkLimitation"/> says why not where it could elsewhere.</param>
public sealed record DriverCapabilities(
    bool Exec,
    bool Suspend,
    bool Checkpoint,
    bool Migrate,
    IReadOnlySet<NetworkMode> NetworkModes,
    string? Limitation = null,
    CgroupPlacement? Cgroups = null,
    string? NetworkLimitation = null,
    bool Terminal = true,
    bool SharedNetwork = false);
