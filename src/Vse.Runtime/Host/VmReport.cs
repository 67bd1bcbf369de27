namespace Vse.Runtime.Host;

/// <summary>What the VM driver would have here.</summary>
/// <param name="Accelerator">KVM only where it passed every check and a probe boot; TCG otherwise.</param>
/// <param name="AcceleratorReason">Why that accelerator, in one line.</param>
/// <param name="DriverAvailable">Whether qemu-system-x86_64 is installed (the VM driver needs nothing else from the host).</param>
/// <param name="DriverReason">One line: why not, or which QEMU.</param>
public sealed record VmReport(VmAccelerator Accelerator, string AcceleratorReason, bool DriverAvailable, string DriverReason, string? Qemu, KvmFacts Kvm);
