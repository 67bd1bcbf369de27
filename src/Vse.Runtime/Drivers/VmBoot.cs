using Vse.Build.Kernels;

namespace Vse.Runtime.Drivers;

/// <summary>What a VM instance boots: the description's kernel and its command line.</summary>
/// <param name="KernelArguments">The whole kernel command line, one argument each: vse's defaults merged with the description's <c>boot.cmdline</c> (<see cref="Vm.Boot.BootCommandLine"/>).</param>
public sealed record VmBoot(BootKernel Kernel, IReadOnlyList<string> KernelArguments);
