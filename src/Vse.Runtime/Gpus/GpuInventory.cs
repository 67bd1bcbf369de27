namespace Vse.Runtime.Gpus;

/// <summary>
/// The NVIDIA GPUs of a host and the driver's user-space files, as <see cref="GpuDiscovery"/> found
/// them. Paths are host paths (under <see cref="HostRoot"/>); <see cref="GpuFile.Name"/> is what an
/// instance sees.
/// </summary>
/// <param name="HostRoot">The root discovery read: <c>/</c>, or a fake device tree in tests.</param>
/// <param name="Gpus">One per <c>/dev/nvidiaN</c>, by index.</param>
/// <param name="ControlNodes">
/// <c>nvidiactl</c>, <c>nvidia-uvm</c>, <c>nvidia-uvm-tools</c>, <c>nvidia-modeset</c> and
/// <c>nvidia-caps/*</c> as present: every GPU grant needs them (CUDA opens nvidiactl and nvidia-uvm first).
/// </param>
/// <param name="Libraries">The driver's libraries by soname, each the file it resolves to.</param>
/// <param name="Tools">The driver's tools (<c>nvidia-smi</c>, …) by name.</param>
public sealed record GpuInventory(
    string HostRoot,
    IReadOnlyList<GpuNode> Gpus,
    IReadOnlyList<GpuNode> ControlNodes,
    IReadOnlyList<GpuFile> Libraries,
    IReadOnlyList<GpuFile> Tools)
{
    public bool IsEmpty => Gpus.Count == 0;
}

/// <summary>A device node: its path in an instance (<c>/dev/nvidia0</c>) and on the host (under the host root).</summary>
/// <param name="Index">The N of <c>/dev/nvidiaN</c>; -1 for a control node.</param>
public sealed record GpuNode(int Index, string Path, string HostPath);

/// <summary>A driver file: the name an instance finds it by, the canonical host file, and why it was taken.</summary>
/// <param name="Origin">Where discovery found it: <c>ld cache</c> or the driver directory it lies in.</param>
public sealed record GpuFile(string Name, string HostPath, string Origin);
