using Vse.Host.Processes;

namespace Vse.Build.Kernels;

/// <summary>
/// Copies the modules a VM boots with, and everything they depend on, out of a kernel's
/// <c>lib/modules/RELEASE</c> into a directory of their own, decompressed (busybox insmod takes
/// plain <c>.ko</c> files), with the load list <see cref="BootKernel.LoadListFileName"/>. The rest
/// of the kernel's thousands of modules stay behind: the initramfs carries only these.
/// </summary>
internal static class ModuleStager
{
    /// <param name="source">The kernel's modules directory, or null for a kernel without one.</param>
    /// <exception cref="InvalidDataException">The module tree is damaged: a dependency missing, a cycle, a path leaving the tree.</exception>
    public static async Task<StagedModules> StageAsync(string? source, string destination, IReadOnlyList<string> wanted, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destination);
        var loadList = Path.Combine(destination, BootKernel.LoadListFileName);
        if (source is null)
        {
            await File.WriteAllTextAsync(loadList, "", cancellationToken);
            return new StagedModules([], [], wanted);
        }

        var builtIn = await BuiltInAsync(source, cancellationToken);
        var depFile = Path.Combine(source, "modules.dep");
        var fromDep = File.Exists(depFile) ? ModulesDep.Parse(await File.ReadAllTextAsync(depFile, cancellationToken)) : null;
        var files = fromDep?.ToDictionary(entry => entry.Key, entry => entry.Value.RelativePath, StringComparer.Ordinal)
            ?? IndexFiles(source, cancellationToken);

        var graph = new Dictionary<string, ModuleInfo>(StringComparer.Ordinal);
        var builtInUsed = new List<string>();
        var absent = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<(string Name, string? NeededBy)>(wanted.Select(name => (ModuleInfo.Normalize(name), (string?)null)));
        while (queue.TryDequeue(out var next))
        {
            if (!seen.Add(next.Name))
            {
                continue;
            }

            if (!files.TryGetValue(next.Name, out var relative))
            {
                if (builtIn.Contains(next.Name))
                {
                    builtInUsed.Add(next.Name);
                }
                else if (next.NeededBy is null)
                {
                    absent.Add(next.Name);
                }
                else
                {
                    throw new InvalidDataException($"kernel module {next.NeededBy} needs {next.Name}, which '{source}' neither has nor lists as built in");
                }

                continue;
            }

            var staged = await StageFileAsync(source, relative, destination, cancellationToken);
            var dependencies = fromDep?[next.Name].Dependencies
                ?? await Modinfo.DependenciesAsync(Path.Combine(destination, staged), cancellationToken);
            graph[next.Name] = new ModuleInfo(next.Name, staged, dependencies);
            foreach (var dependency in dependencies)
            {
                queue.Enqueue((dependency, next.Name));
            }
        }

        var order = ModuleOrder.Sort(wanted, graph);
        await File.WriteAllLinesAsync(loadList, order.Select(module => module.RelativePath), cancellationToken);
        return new StagedModules([.. order.Select(module => module.Name)], builtInUsed, absent);
    }

    /// <returns>The staged file's path relative to <paramref name="destination"/>: the source's, without a compression suffix.</returns>
    private static async Task<string> StageFileAsync(string source, string relative, string destination, CancellationToken cancellationToken)
    {
        if (Path.IsPathRooted(relative) || relative.Split('/').Contains(".."))
        {
            throw new InvalidDataException($"'{source}': module path '{relative}' leaves the modules directory");
        }

        var format = PayloadFormat.OfModule(relative);
        var stagedRelative = format is null ? relative : relative[..^format.Suffix.Length];
        var target = Path.Combine(destination, stagedRelative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var copy = format is null ? target : target + format.Suffix;
        await using (var input = File.OpenRead(Path.Combine(source, relative)))
        await using (var output = File.Create(copy))
        {
            await input.CopyToAsync(output, cancellationToken);
        }

        if (format is not null)
        {
            var tool = ExternalTool.Require(format.Tool, format.DebianPackage);
            await ExternalTool.RunAsync(tool, format.DecompressArguments(copy, target), cancellationToken);
            File.Delete(copy);
        }

        return stagedRelative;
    }

    /// <summary><c>modules.builtin</c>: the modules compiled into the kernel, one path a line.</summary>
    private static async Task<HashSet<string>> BuiltInAsync(string source, CancellationToken cancellationToken)
    {
        var file = Path.Combine(source, "modules.builtin");
        return File.Exists(file)
            ? [.. (await File.ReadAllLinesAsync(file, cancellationToken)).Where(line => line.Length > 0).Select(ModuleInfo.NameOf)]
            : [];
    }

    /// <summary>Every module file below the directory, by module name (the first path in ordinal order wins); symlinks such as <c>build</c> are not followed.</summary>
    private static Dictionary<string, string> IndexFiles(string source, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<string>([source]);
        var found = new List<string>();
        while (pending.TryPop(out var directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null)
                {
                    continue;
                }

                if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
                else if (entry.Name.EndsWith(".ko", StringComparison.Ordinal) || PayloadFormat.OfModule(entry.Name) is not null)
                {
                    found.Add(Path.GetRelativePath(source, entry.FullName));
                }
            }
        }

        found.Sort(StringComparer.Ordinal);
        foreach (var relative in found)
        {
            files.TryAdd(ModuleInfo.NameOf(relative), relative);
        }

        return files;
    }
}
