using System.Text.Json.Serialization;

namespace Vse.Runtime.Oci;

// The subset of the OCI runtime specification 1.0 (config.json) that vse writes. Property
// names follow the spec through camelCase serialisation (OciSpecJson); null members are left out.

public sealed record OciSpec(string OciVersion, OciProcess Process, OciRoot Root, string Hostname, IReadOnlyList<OciMount> Mounts, OciLinux Linux);

public sealed record OciProcess(
    bool Terminal,
    OciUser User,
    IReadOnlyList<string> Args,
    IReadOnlyList<string> Env,
    string Cwd,
    OciCapabilities Capabilities,
    IReadOnlyList<OciRlimit> Rlimits,
    bool NoNewPrivileges);

public sealed record OciUser(uint Uid, uint Gid);

public sealed record OciCapabilities(IReadOnlyList<string> Bounding, IReadOnlyList<string> Effective, IReadOnlyList<string> Permitted);

public sealed record OciRlimit(string Type, ulong Hard, ulong Soft);

public sealed record OciRoot(string Path, bool Readonly);

public sealed record OciMount(string Destination, string Type, string Source, IReadOnlyList<string>? Options = null);

public sealed record OciLinux(
    IReadOnlyList<OciNamespace> Namespaces,
    string? CgroupsPath,
    OciResources? Resources,
    IReadOnlyList<string> MaskedPaths,
    IReadOnlyList<string> ReadonlyPaths,
    IReadOnlyList<OciIdMapping>? UidMappings = null,
    IReadOnlyList<OciIdMapping>? GidMappings = null,
    OciSeccomp? Seccomp = null,
    IReadOnlyList<OciDevice>? Devices = null);

/// <summary>A user namespace's id range: the spec spells its fields <c>containerID</c> and <c>hostID</c>.</summary>
public sealed record OciIdMapping(
    [property: JsonPropertyName("containerID")] uint ContainerId,
    [property: JsonPropertyName("hostID")] uint HostId,
    uint Size);

/// <param name="Path">A namespace to join (a file such as <c>/run/netns/NAME</c>) instead of a new one; null: a new one.</param>
public sealed record OciNamespace(string Type, string? Path = null);

public sealed record OciResources(IReadOnlyList<OciDeviceRule>? Devices, OciCpu? Cpu = null, OciMemory? Memory = null);

/// <summary>A cgroup device rule: without a type and numbers, every device.</summary>
public sealed record OciDeviceRule(bool Allow, string Access, string? Type = null, long? Major = null, long? Minor = null);

/// <summary>A device node the runtime makes in the container's <c>/dev</c> (<c>linux.devices</c>); in a user namespace runc binds the host's instead.</summary>
public sealed record OciDevice(string Path, string Type, long Major, long Minor, uint FileMode, uint Uid, uint Gid);

public sealed record OciCpu(long Quota, ulong Period);

public sealed record OciMemory(long Limit);

/// <summary>The syscall filter the runtime loads last before the process runs (<see cref="OciSeccompSection"/>).</summary>
public sealed record OciSeccomp(string DefaultAction, IReadOnlyList<string> Architectures, IReadOnlyList<OciSyscall> Syscalls);

public sealed record OciSyscall(IReadOnlyList<string> Names, string Action, uint ErrnoRet, IReadOnlyList<OciSyscallArgument> Args);

/// <summary>For <c>SCMP_CMP_MASKED_EQ</c>, <see cref="Value"/> is the mask and <see cref="ValueTwo"/> what the masked argument equals.</summary>
public sealed record OciSyscallArgument(uint Index, ulong Value, ulong ValueTwo, string Op);
