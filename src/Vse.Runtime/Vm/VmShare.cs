namespace Vse.Runtime.Vm;

/// <summary>A host directory shared with the guest over virtio-9p, mounted by the agent at the instance's mount target.</summary>
internal sealed record VmShare(string Tag, string Source, bool ReadOnly);
