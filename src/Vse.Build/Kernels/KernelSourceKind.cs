namespace Vse.Build.Kernels;

/// <summary>Where a VM's kernel comes from (<c>os.kernel</c>).</summary>
public enum KernelSourceKind
{
    /// <summary><c>package:NAME</c>: a Debian kernel image package, fetched with apt, never installed.</summary>
    Package,

    /// <summary><c>path:FILE</c>: a vmlinuz/bzImage or an ELF vmlinux on the host.</summary>
    Path,
}
