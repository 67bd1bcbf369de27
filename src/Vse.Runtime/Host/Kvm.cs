using Vse.Host.Processes;

namespace Vse.Runtime.Host;

/// <summary>
/// Decides between KVM and TCG as <c>docs/host-facts.md</c> prescribes:
/// a <c>/dev/kvm</c> is not proof. On machines like this one it comes from kvm_pvm, which runs
/// only PVM guest kernels (a Debian kernel aborts with "failed to set MSR 0x10a" or dies with
/// "KVM internal error"). So: KVM only where /dev/kvm opens read-write, kvm_intel or kvm_amd is
/// loaded, kvm_pvm is not, and a short probe boot under KVM survives; otherwise TCG.
/// </summary>
public static class Kvm
{
    public const string Qemu = "qemu-system-x86_64";

    // Long enough for QEMU to set up the vCPU (where the MSR failure aborts) and for the
    // firmware to run in the guest; short enough for doctor.
    private static readonly TimeSpan ProbeBoot = TimeSpan.FromSeconds(2);

    public static async Task<VmReport> InspectAsync(CancellationToken cancellationToken)
    {
        var facts = KvmFacts.Read();
        var qemu = ExternalTool.Find(Qemu);
        var agent = BundledTool.Agent();
        var driverAvailable = qemu is not null && agent is not null;
        var driverReason = (qemu, agent) switch
        {
            (null, _) => $"{Qemu} not found (Debian: qemu-system-x86)",
            (_, null) => "vse-agent, the guest agent, is not built (make -C native/vse-agent)",
            _ => $"{qemu}, guest agent {agent}",
        };
        if (Refusal(facts) is { } refusal)
        {
            return new VmReport(VmAccelerator.Tcg, refusal, driverAvailable, driverReason, qemu, facts);
        }

        if (qemu is null)
        {
            return new VmReport(VmAccelerator.Tcg, $"KVM looks usable but is unconfirmed: no probe boot without {Qemu}", driverAvailable, driverReason, qemu, facts);
        }

        var failure = await ProbeBootAsync(qemu, cancellationToken);
        return failure is null
            ? new VmReport(VmAccelerator.Kvm, $"{KvmFacts.Device} opens read-write, {string.Join(", ", facts.Modules)} loaded, a probe boot ran under KVM", driverAvailable, driverReason, qemu, facts)
            : new VmReport(VmAccelerator.Tcg, $"a probe boot under KVM failed: {failure}", driverAvailable, driverReason, qemu, facts);
    }

    /// <summary>Why KVM must not be used according to the host's facts alone; null when it may be tried.</summary>
    public static string? Refusal(KvmFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (!facts.DevicePresent)
        {
            return $"{KvmFacts.Device} is not present";
        }

        if (facts.OpenError is { } error)
        {
            return $"{KvmFacts.Device} does not open read-write: {error}";
        }

        if (facts.Modules.Contains("kvm_pvm"))
        {
            return "/dev/kvm is kvm_pvm (nested pagetable-based virtualisation): it runs only PVM guest kernels";
        }

        return facts.Modules.Contains("kvm_intel") || facts.Modules.Contains("kvm_amd")
            ? null
            : "neither kvm_intel nor kvm_amd is loaded";
    }

    /// <summary>
    /// Starts QEMU under KVM with <c>-cpu host</c> and only its firmware (SeaBIOS, no disk): a
    /// broken KVM fails while setting up the vCPU or running the first guest code; one that is
    /// still running after <see cref="ProbeBoot"/> is taken as working (and stopped).
    /// </summary>
    /// <returns>Null when it survived, else QEMU's last line.</returns>
    private static async Task<string?> ProbeBootAsync(string qemu, CancellationToken cancellationToken)
    {
        var result = await HostCommand.RunAsync(
            qemu,
            ["-accel", "kvm", "-cpu", "host", "-M", "pc", "-m", "64", "-nodefaults", "-display", "none", "-no-reboot", "-serial", "none", "-monitor", "none"],
            ProbeBoot,
            cancellationToken);
        return result is null or { ExitCode: 0 } ? null : HostCommand.LastLine(result);
    }
}
