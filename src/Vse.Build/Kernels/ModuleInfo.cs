namespace Vse.Build.Kernels;

/// <summary>One kernel module: its name (dashes as underscores, as the kernel names it), its file and the modules it needs.</summary>
/// <param name="RelativePath">The module's file, relative to its modules directory (e.g. <c>kernel/fs/ext4/ext4.ko</c>).</param>
/// <param name="Dependencies">The names of the modules that must be loaded first.</param>
internal sealed record ModuleInfo(string Name, string RelativePath, IReadOnlyList<string> Dependencies)
{
    /// <summary>The module name a file stands for: <c>kernel/net/9p/9pnet-virtio.ko.xz</c> is <c>9pnet_virtio</c>.</summary>
    public static string NameOf(string path)
    {
        var name = Path.GetFileName(path);
        if (PayloadFormat.OfModule(name) is { } format)
        {
            name = name[..^format.Suffix.Length];
        }

        if (name.EndsWith(".ko", StringComparison.Ordinal))
        {
            name = name[..^".ko".Length];
        }

        return Normalize(name);
    }

    /// <summary>The kernel treats '-' and '_' in module names alike; vse writes '_'.</summary>
    public static string Normalize(string name) => name.Replace('-', '_');
}
