using System.Globalization;

namespace Vse.Cli.Tests.Faults;

/// <summary>
/// What one test's vse holds on the host, listed by kind: processes, QEMU processes, mounts,
/// overlays, namespaces, network namespaces, interfaces and cgroups. Taken before and after a
/// fault; anything in the second that is not in the first leaked, and <see cref="Leaked"/> says
/// what, one line each. Only what belongs to the test is listed (its workspace's paths, its
/// marker, its deployment ids), so other tests and other users of the machine do not show.
/// </summary>
public sealed record HostResources(IReadOnlySet<string> Items)
{
    /// <param name="workspaceRoot">The test's directory: vse's own processes and the runtimes it starts name it (VSE_HOME, --root, overlay dirs).</param>
    /// <param name="marker">A string in the environment of the test's build steps and instances.</param>
    /// <param name="deploymentIds">The test's deployments (cgroups and network namespaces carry the id).</param>
    public static HostResources Take(string workspaceRoot, string marker, IEnumerable<string> deploymentIds)
    {
        var ids = deploymentIds.ToList();
        var items = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (pid, command) in ProcessesOf(workspaceRoot, marker))
        {
            var kind = Comm(pid).StartsWith("qemu", StringComparison.Ordinal) ? "qemu" : "process";
            items.Add($"{kind} {pid} {command}");
            foreach (var ns in Namespaces(pid))
            {
                items.Add($"namespace {ns}");
            }
        }

        foreach (var line in File.ReadLines("/proc/self/mountinfo").Where(l => l.Contains(workspaceRoot, StringComparison.Ordinal)))
        {
            // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPER-OPTIONS
            var fields = line.Split(' ');
            var type = fields[Array.IndexOf(fields, "-") + 1];
            items.Add($"{(type == "overlay" ? "overlay" : "mount")} {fields[4]} {type}");
        }

        if (Directory.Exists("/run/netns"))
        {
            foreach (var name in Directory.EnumerateFileSystemEntries("/run/netns").Select(Path.GetFileName).Where(n => ids.Any(id => n!.Contains(id, StringComparison.Ordinal))))
            {
                items.Add($"netns {name}");
            }
        }

        // vse makes these only inside a deployment's own fabric namespace: one in the host's is a leak.
        foreach (var name in Directory.EnumerateFileSystemEntries("/sys/class/net").Select(Path.GetFileName)
            .Where(n => System.Text.RegularExpressions.Regex.IsMatch(n!, @"\A(vse|up|down|v)\d+\z") || ids.Any(id => n!.Contains(id, StringComparison.Ordinal))))
        {
            items.Add($"interface {name}");
        }

        foreach (var group in Cgroups(ids))
        {
            items.Add($"cgroup {group}");
        }

        return new HostResources(items);
    }

    /// <summary>One line per item in <paramref name="after"/> that this snapshot lacks; empty when nothing leaked.</summary>
    public IReadOnlyList<string> Leaked(HostResources after) => [.. after.Items.Where(i => !Items.Contains(i)).Select(i => "+ " + i)];

    /// <summary>
    /// What is still leaked once the host has settled: SIGKILL and the kernel's teardown of
    /// namespaces are not instant, so a leak is what <paramref name="after"/> still lists when the
    /// deadline (a guard against a hang, not a timing) passes.
    /// </summary>
    public async Task<IReadOnlyList<string>> LeakedOnceSettledAsync(Func<HostResources> after)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<string> leaked;
        while ((leaked = Leaked(after())).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return leaked;
    }

    /// <summary>Processes whose command line or environment names the workspace or carries the marker; never this test process.</summary>
    private static IEnumerable<(int Pid, string Command)> ProcessesOf(string workspaceRoot, string marker)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string command;
            try
            {
                command = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim();
                var environment = File.ReadAllText(Path.Combine(directory, "environ"));
                if (!command.Contains(workspaceRoot, StringComparison.Ordinal) && !command.Contains(marker, StringComparison.Ordinal)
                    && !environment.Contains(workspaceRoot, StringComparison.Ordinal) && !environment.Contains(marker, StringComparison.Ordinal))
                {
                    continue;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // gone meanwhile, or a kernel thread
            }

            yield return (pid, command);
        }
    }

    private static string Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The namespaces a process is in that are not the test's own (the host's).</summary>
    private static IEnumerable<string> Namespaces(int pid)
    {
        foreach (var kind in (string[])["mnt", "net", "pid", "uts", "ipc", "user", "cgroup"])
        {
            string? own = null, theirs = null;
            try
            {
                own = new FileInfo($"/proc/self/ns/{kind}").LinkTarget;
                theirs = new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }

            if (theirs is not null && theirs != own)
            {
                yield return theirs;
            }
        }
    }

    /// <summary>Cgroups of the deployments under vse's parent group, in every hierarchy (v1) or the unified one (v2).</summary>
    private static IEnumerable<string> Cgroups(IReadOnlyList<string> ids)
    {
        if (ids.Count == 0 || !Directory.Exists("/sys/fs/cgroup"))
        {
            return [];
        }

        var parents = Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => Path.Combine(h, "vse")).Append("/sys/fs/cgroup/vse").Where(Directory.Exists).Distinct();
        return parents.SelectMany(Directory.EnumerateDirectories).Where(c => ids.Any(id => c.Contains(id, StringComparison.Ordinal)));
    }
}
