namespace Vse.Build.Kernels;

/// <summary>
/// depmod's <c>modules.dep</c>: <c>PATH: DEPENDENCY-PATH...</c>, one module a line. Present in a
/// host's <c>/lib/modules/RELEASE</c>; a Debian package leaves it to depmod at install time, so
/// for packages the dependencies come from each module's <c>.modinfo</c> instead.
/// </summary>
internal static class ModulesDep
{
    public static Dictionary<string, ModuleInfo> Parse(string text)
    {
        var modules = new Dictionary<string, ModuleInfo>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"modules.dep: line without 'PATH:': '{line}'");
            }

            var path = line[..colon];
            var dependencies = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ModuleInfo.NameOf).ToList();
            var name = ModuleInfo.NameOf(path);
            modules.TryAdd(name, new ModuleInfo(name, path, dependencies));
        }

        return modules;
    }
}
