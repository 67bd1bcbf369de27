using Vse.Build.Kernels;
using Vse.Description.Model;
using Vse.Runtime.Drivers;
using Vse.Runtime.Vm.Boot;

namespace Vse.Deploy;

/// <summary>What a configuration's VM instances boot: <c>os.kernel</c> (fetched once into the kernel store) and <c>boot.cmdline</c>.</summary>
public static class VmBoots
{
    /// <summary>The kernel when the description names none: Debian's generic one (it has 9p, which the cloud flavour lacks).</summary>
    public const string DefaultKernel = "package:linux-image-amd64";

    public static async Task<VmBoot> OfAsync(RuntimeModel model, KernelStore kernels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var arguments = BootCommandLine.Build(model.BootCmdline, await BootCommandLine.HostTscKhzAsync(cancellationToken));
        return new VmBoot(await kernels.GetAsync(SourceOf(model), cancellationToken), arguments);
    }

    /// <summary>
    /// The kernel to boot. A relative <c>path:FILE</c> is relative to the description file that
    /// named it, never to the directory vse happens to run in.
    /// </summary>
    /// <exception cref="KernelSourceException">The kernel is unusable, or relative where that file is not known.</exception>
    public static KernelSource SourceOf(RuntimeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Kernel is not { } kernel)
        {
            return KernelSource.Parse(DefaultKernel, "/");
        }

        if (kernel.RelativeTo is { } directory)
        {
            return KernelSource.Parse(kernel.Source, directory);
        }

        // A model read from a stored configuration knows no directory: an absolute path (or a
        // package) needs none, and a relative one is refused rather than guessed.
        var source = KernelSource.Parse(kernel.Source, "/");
        return source.Kind == KernelSourceKind.Package || Path.IsPathRooted(kernel.Source[KernelSource.PathPrefix.Length..])
            ? source
            : throw new KernelSourceException(
                $"os.kernel '{kernel.Source}': a relative path, and the directory of the description that names it is not known here; deploy from the description file, or give an absolute path");
    }
}
