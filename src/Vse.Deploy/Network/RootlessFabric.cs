using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Deploy.Network;

/// <summary>
/// The fabric of an ordinary user's private network (docs/parallel.md): a user namespace of the
/// user's own (the user is its root, no one else is mapped) with a network namespace it owns,
/// both held by one process (<c>setsid unshare --user --map-root-user --net sleep infinity</c>).
/// An ordinary user cannot name a namespace under <c>/run/netns</c>, so the holder's
/// <c>/proc/PID/ns/*</c> are the fabric's names. The bridges are made inside it; instances join
/// its user namespace and get network namespaces it owns, with a veth into a bridge. No host
/// interface is touched and nothing routes out: the fabric has only its bridges.
/// </summary>
internal static class RootlessFabric
{
    /// <summary>In the network directory: the holder's PID and the inode of its user namespace, so a reused PID is never signalled.</summary>
    private const string HolderFile = "fabric-holder";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts the holder, runs <paramref name="settings"/> in it (a command: the fabric's sysctls), makes the bridges in it
    /// (<paramref name="batch"/>, <c>ip -batch</c> lines; none when empty) and records it in <paramref name="directory"/>.
    /// </summary>
    /// <returns>The holder's PID.</returns>
    public static async Task<int> CreateAsync(string directory, IReadOnlyList<string> settings, string batch, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ExternalTool.Require("setsid", "util-linux"))
        {
            UseShellExecute = false,
            // Its own pipes, never vse's streams: a long-lived holder of vse's stdout would keep
            // whoever reads vse's output waiting for its end.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Not a process group leader, setsid(1) execs in place: the PID stays the holder's.
        foreach (var argument in (string[])[ExternalTool.Require("unshare", "util-linux"), "--user", "--map-root-user", "--net", "--", ExternalTool.Require("sleep", "coreutils"), "infinity"])
        {
            start.ArgumentList.Add(argument);
        }

        using var holder = Process.Start(start) ?? throw new IOException("the private network's fabric holder did not start");
        var pid = holder.Id;
        try
        {
            await WaitReadyAsync(holder, cancellationToken);
            var userNamespace = Nodes.StatusOrNull(UserNamespaceOf(pid), followSymlink: true)?.Inode
                ?? throw new IOException($"the fabric holder {pid} ended before its namespaces could be read");
            await File.WriteAllTextAsync(Path.Combine(directory, HolderFile), $"{pid} {userNamespace}\n", cancellationToken);
            var nsenter = ExternalTool.Require("nsenter", "util-linux");
            await ExternalTool.RunAsync(nsenter, [.. EnterArguments(pid, NetworkNamespaceOf(pid)), .. settings], cancellationToken);
            if (batch.Length > 0)
            {
                await ExternalTool.RunAsync(
                    nsenter, [.. EnterArguments(pid, NetworkNamespaceOf(pid)), ExternalTool.Require("ip", "iproute2"), "-batch", "-"],
                    cancellationToken, standardInput: new MemoryStream(Encoding.ASCII.GetBytes(batch)));
            }
            return pid;
        }
        catch
        {
            Kill(holder);
            throw;
        }
    }

    /// <summary>The user namespace of the fabric held by <paramref name="holder"/>, which instances join.</summary>
    public static string UserNamespaceOf(int holder) => $"/proc/{holder}/ns/user";

    public static string NetworkNamespaceOf(int holder) => $"/proc/{holder}/ns/net";

    /// <summary>
    /// <c>nsenter</c> arguments that run a command with the fabric's rights in <paramref name="networkNamespace"/>
    /// (the fabric's or an instance's, both owned by the fabric's user namespace). The caller keeps
    /// its ids (the user, root there) and gains every capability there as the namespace's owner.
    /// </summary>
    private static IReadOnlyList<string> EnterArguments(int holder, string networkNamespace) =>
        [$"--user={UserNamespaceOf(holder)}", "--preserve-credentials", $"--net={networkNamespace}", "--"];

    /// <summary>Ends the holder recorded in <paramref name="directory"/>, if it is still the one that was recorded; the fabric goes with the last instance.</summary>
    public static async Task DeleteAsync(string directory, CancellationToken cancellationToken)
    {
        var file = Path.Combine(directory, HolderFile);
        if (!File.Exists(file))
        {
            return;
        }

        var fields = (await File.ReadAllTextAsync(file, cancellationToken)).Split(' ', StringSplitOptions.TrimEntries);
        if (fields.Length != 2 || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out var pid) || !ulong.TryParse(fields[1], CultureInfo.InvariantCulture, out var inode))
        {
            throw new InvalidDataException($"{file} is damaged: expected PID and user namespace inode");
        }

        if (Nodes.StatusOrNull(UserNamespaceOf(pid), followSymlink: true)?.Inode != inode)
        {
            return;
        }

        try
        {
            using var holder = Process.GetProcessById(pid);
            holder.Kill();
            // Not our child once vse exited after deploying: wait for /proc to say it is gone.
            while (Nodes.StatusOrNull(UserNamespaceOf(pid), followSymlink: true)?.Inode == inode)
            {
                await Task.Delay(10, cancellationToken);
            }
        }
        catch (ArgumentException)
        {
            // Ended meanwhile.
        }
    }

    private static async Task WaitReadyAsync(Process holder, CancellationToken cancellationToken)
    {
        // Ready once unshare has made and mapped the namespaces and become sleep.
        var deadline = Stopwatch.StartNew();
        while (!IsSleeping(holder.Id))
        {
            if (holder.HasExited)
            {
                var error = (await holder.StandardError.ReadToEndAsync(cancellationToken)).Trim().ReplaceLineEndings(" ");
                throw new IOException($"cannot make a network namespace as an ordinary user (with a user namespace of your own, for a private network or a shared loopback): {(error.Length > 0 ? error : $"exit code {holder.ExitCode}")}");
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new IOException($"the network namespace holder {holder.Id} was not ready after {StartTimeout.TotalSeconds} s");
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    private static bool IsSleeping(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Kill(Process holder)
    {
        try
        {
            holder.Kill();
            holder.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already ended.
        }
    }
}
