namespace Vse.Runtime.Vm;

/// <summary>
/// What QEMU is asked to run for an instance, fixed at create (<see cref="QemuMachine"/> turns
/// it into a command line for each run directory): so a restore or a migration's destination is
/// the same machine, device for device, as the migration stream requires.
/// </summary>
/// <param name="Nic">The instance's link to its deployment's private network, if it has one.</param>
/// <param name="ChangesDisk">The disk that takes the guest's changes (<see cref="VmChangesDisk"/>), if it has one.</param>
internal sealed record VmMachine(
    string Name,
    string Accelerator,
    long MemoryMib,
    int Cpus,
    string Kernel,
    string Initrd,
    string CommandLine,
    IReadOnlyList<VmShare> Shares,
    VmNic? Nic = null,
    string? ChangesDisk = null);
