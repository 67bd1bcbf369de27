namespace Vse.Build.Kernels;

/// <summary>A kernel ready for QEMU's direct (PVH) boot, as <see cref="KernelStore"/> keeps it.</summary>
/// <param name="Release">The kernel's release, as <c>uname -r</c> prints it (e.g. <c>6.1.0-56-amd64</c>).</param>
/// <param name="Vmlinux">The absolute path of the uncompressed ELF kernel, with its PVH entry note.</param>
/// <param name="ModulesDirectory">
/// A <c>lib/modules/RELEASE</c>-like directory with only the modules vse boots with and what they
/// depend on (uncompressed, so busybox insmod loads them), and <see cref="LoadListFileName"/>.
/// </param>
/// <param name="Identity">
/// Stable for the same kernel and modules, different otherwise: the package and its version, or the
/// kernel file's digest, plus the digest of the kept modules. Caches built from the kernel key on it.
/// </param>
public sealed record BootKernel(string Release, string Vmlinux, string ModulesDirectory, string Identity)
{
    /// <summary>
    /// The load list: one module a line, as a path relative to <see cref="ModulesDirectory"/>,
    /// dependencies before the modules that need them. Empty when the kernel has no modules to load.
    /// </summary>
    public const string LoadListFileName = "modules.load";

    public string LoadList => Path.Combine(ModulesDirectory, LoadListFileName);
}
