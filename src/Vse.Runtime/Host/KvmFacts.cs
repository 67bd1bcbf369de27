namespace Vse.Runtime.Host;

/// <summary>What the host shows of KVM before anything is run.</summary>
/// <param name="DevicePresent">Whether <c>/dev/kvm</c> exists.</param>
/// <param name="OpenError">Why <c>/dev/kvm</c> did not open read-write; null when it did (or is absent).</param>
/// <param name="Modules">The KVM modules loaded, of kvm_intel, kvm_amd and kvm_pvm (<c>/sys/module</c>).</param>
public sealed record KvmFacts(bool DevicePresent, string? OpenError, IReadOnlyList<string> Modules)
{
    public const string Device = "/dev/kvm";
    public static readonly IReadOnlyList<string> KnownModules = ["kvm_intel", "kvm_amd", "kvm_pvm"];

    public static KvmFacts Read()
    {
        var modules = KnownModules.Where(m => Directory.Exists(Path.Combine("/sys/module", m))).ToList();
        if (!File.Exists(Device))
        {
            return new KvmFacts(false, null, modules);
        }

        try
        {
            using var handle = File.OpenHandle(Device, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            return new KvmFacts(true, null, modules);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return new KvmFacts(true, e.Message, modules);
        }
    }
}
