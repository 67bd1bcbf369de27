namespace Vse.Build.Kernels;

/// <summary>The order modules are loaded in: each module after everything it depends on.</summary>
internal static class ModuleOrder
{
    /// <summary>
    /// <paramref name="wanted"/> and their dependencies, dependencies first; otherwise in the order
    /// wanted, then in the order each module lists its dependencies, so the result is the same
    /// every time. A name the graph lacks (a module built into the kernel, or absent) is left out.
    /// </summary>
    /// <exception cref="InvalidDataException">The dependencies form a cycle (a damaged module tree: the kernel could not load it either).</exception>
    public static IReadOnlyList<ModuleInfo> Sort(IEnumerable<string> wanted, IReadOnlyDictionary<string, ModuleInfo> graph)
    {
        var order = new List<ModuleInfo>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var visiting = new List<string>();

        void Visit(string name)
        {
            if (done.Contains(name) || !graph.TryGetValue(name, out var module))
            {
                return;
            }

            if (visiting.Contains(name))
            {
                throw new InvalidDataException($"kernel modules depend on each other in a cycle: {string.Join(" -> ", visiting.SkipWhile(n => n != name))} -> {name}");
            }

            visiting.Add(name);
            foreach (var dependency in module.Dependencies)
            {
                Visit(dependency);
            }

            visiting.RemoveAt(visiting.Count - 1);
            done.Add(name);
            order.Add(module);
        }

        foreach (var name in wanted)
        {
            Visit(ModuleInfo.Normalize(name));
        }

        return order;
    }
}
