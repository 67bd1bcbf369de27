using Vse.Build.Kernels;
using Vse.Host.Processes;

namespace Vse.Build.Tests.Kernels;

/// <summary>
/// Debian's generic kernel (<c>package:linux-image-amd64</c>, ~70 MB), fetched through the real
/// <see cref="KernelStore"/>. The store lives in a fixed directory under /var/tmp, not a test's
/// temporary one: the store keys entries by identity, so a CI run fetches the kernel once for
/// the whole run (the runtime tests use the same directory), and repeated local runs reuse it
/// until apt's lists name a newer kernel.
/// </summary>
public sealed class DebianKernelFixture : IAsyncLifetime
{
    public const string Package = "package:linux-image-amd64";

    public static string StoreRoot => TestKernels.StoreRoot;

    public BootKernel? Kernel { get; private set; }

    /// <summary>Why there is no kernel: a tool missing, or apt could not download.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        var missing = new[] { "apt-get", "apt-cache", "dpkg-deb", "xz" }.FirstOrDefault(tool => ExternalTool.Find(tool) is null);
        if (missing is not null)
        {
            Unavailable = $"'{missing}' is not installed";
            return;
        }

        try
        {
            Kernel = await new KernelStore(StoreRoot).GetAsync(KernelSource.Parse(Package, "/"), CancellationToken.None);
        }
        catch (ToolFailedException e) when (e.Tool == "apt-get")
        {
            Unavailable = "apt could not download the kernel: " + e.Message;
        }
    }

    /// <summary>The kernel, or the test is skipped (failed under CI=true) saying why there is none.</summary>
    public BootKernel Require()
    {
        if (Kernel is null)
        {
            Requirements.Missing(Unavailable ?? "no kernel");
        }

        return Kernel!;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
