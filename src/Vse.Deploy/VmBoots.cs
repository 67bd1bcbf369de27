using System.Text.Json;
using Vse.Build.Kernels;
using Vse.Runtime.Drivers;
using Vse.Runtime.Vm.Boot;

namespace Vse.Deploy;

/// <summary>What a configuration's VM instances boot: <c>os.kernel</c> (fetched once into the kernel store) and <c>boot.cmdline</c>.</summary>
public static class VmBoots
{
    /// <summary>The kernel when the description names none: Debian's generic one (it has 9p, which the cloud flavour lacks).</summary>
    public const string DefaultKernel = "package:linux-image-amd64";

    /// <param name="descriptionDirectory">What a relative <c>path:</c> kernel is relative to.</param>
    public static async Task<VmBoot> OfAsync(string descriptionJson, string descriptionDirectory, KernelStore kernels, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(descriptionJson);
        var root = document.RootElement;
        var kernel = root.TryGetProperty("os", out var os) && os.TryGetProperty("kernel", out var named) ? named.GetString() ?? DefaultKernel : DefaultKernel;
        JsonElement? cmdline = root.TryGetProperty("boot", out var boot) && boot.TryGetProperty("cmdline", out var map) ? map : null;
        var arguments = BootCommandLine.Build(cmdline, await BootCommandLine.HostTscKhzAsync(cancellationToken));
        return new VmBoot(await kernels.GetAsync(KernelSource.Parse(kernel, descriptionDirectory), cancellationToken), arguments);
    }
}
