using System.Diagnostics;
using Vse.Testing;

namespace Vse.Cli.Tests.Registry;

/// <summary>
/// A push killed mid-upload, then retried (docs/registry.md). A <see cref="StallingProxy"/> in
/// front of the loopback registry holds one upload open after its first MiB, so the kill lands
/// mid-blob every time: first skopeo is killed (vse reports it and ends), then vse itself (skopeo,
/// under a parent-death signal, dies with it). The registry then has no tag, the next push
/// succeeds with the blobs the killed ones left in the store's cache, the image pulled into a
/// clean VSE_HOME holds the right bytes, and `vse gc` (which needs the store lock exclusively)
/// finds no lock held and removes what the killed pushes left in tmp/. Every wait has a deadline;
/// whatever the test started is killed by process group when it ends.
/// </summary>
public sealed class InterruptedPushTests(LoopbackRegistry registry) : IClassFixture<LoopbackRegistry>
{
    private const string Image = """
        vse: 1
        name: big
        os:
          base: busybox
        build:
          - id: data
            run: head -c 16777216 /dev/urandom > /data && sha256sum /data > /data.sum
          - id: last
            run: echo last > /last
        run: sha256sum -c /data.sum && cat /last
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public async Task A_push_killed_mid_upload_leaves_no_tag_and_the_retry_succeeds_with_the_right_image_and_nothing_stale()
    {
        Requirements.Root();
        Requirements.Tool("skopeo");
        if (registry.Missing is { } missing)
        {
            Requirements.Missing(missing);
        }

        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", Image);
        var built = await workspace.RunAsync("build", "app.vse.yaml");
        Assert.True(built.ExitCode == 0, built.Stderr);

        // skopeo killed: vse says so and ends, it does not wait on a dead upload.
        await using (var proxy = new StallingProxy(registry.Port, stallAfterBytes: 1 << 20))
        {
            using var push = StartPush(workspace, proxy.Port);
            try
            {
                var skopeo = await SkopeoOfAsync(push, proxy);
                Assert.Equal(0, Kill(skopeo));
                Assert.True(await ExitsWithinAsync(push.Process), "vse push did not end after its skopeo was killed");
                Assert.NotEqual(0, push.Process.ExitCode);
                Assert.Contains("skopeo was killed by signal 9", await push.Stderr, StringComparison.Ordinal);
            }
            finally
            {
                KillGroup(push.Process);
            }
        }

        // vse killed: its skopeo dies with it (parent-death signal), no upload goes on behind the user.
        await using (var proxy = new StallingProxy(registry.Port, stallAfterBytes: 1 << 20))
        {
            using var push = StartPush(workspace, proxy.Port);
            try
            {
                var skopeo = await SkopeoOfAsync(push, proxy);
                Assert.Equal(0, Kill(push.Process.Id));
                await Poll.UntilAsync(() => Task.FromResult(!IsAlive(skopeo)), $"skopeo {skopeo} ending after vse was killed", Deadline);
            }
            finally
            {
                KillGroup(push.Process);
            }
        }

        Assert.False(Directory.Exists(Path.Combine(registry.Storage, "docker/registry/v2/repositories/killed/big/_manifests/tags/v1")), "a killed push left a tag");
        Assert.NotEmpty(Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "store", "tmp")));

        // The retry: the blobs the killed pushes made come from the store's cache; only the transfer is left.
        var retry = await VseProcess.RunGuardedAsync(workspace.Root, workspace.Environment, Deadline, "push", "big", registry.Reference("killed/big", "v1"));
        Assert.True(retry.ExitCode == 0, retry.Stderr);
        Assert.Contains("4 layers", retry.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, retry.ErrorLines.Count(line => line.StartsWith("push: layer ", StringComparison.Ordinal) && line.EndsWith("(cached)", StringComparison.Ordinal)));

        using var puller = new Workspace();
        puller.Write("from.vse.yaml", $"vse: 1\nname: from\nos:\n  base: {registry.Reference("killed/big", "v1")}\n");
        var run = await VseProcess.RunGuardedAsync(puller.Root, puller.Environment, Deadline, "run", "from.vse.yaml", "--", "/bin/sh", "-c", "sha256sum -c /data.sum && cat /last");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("/data: OK\nlast\n", run.Stdout);

        // No lock is left held (gc takes the store lock exclusively) and nothing is left in tmp/.
        var gc = await VseProcess.RunGuardedAsync(workspace.Root, workspace.Environment, Deadline, "gc");
        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "store", "tmp")));
    }

    private sealed record Push(Process Process, Task<string> Stderr) : IDisposable
    {
        public void Dispose() => Process.Dispose();
    }

    /// <summary>
    /// vse push through the proxy, in a process group of its own (setsid; started from .NET the
    /// child is no group leader, so setsid execs vse in place: the process's id is vse's).
    /// </summary>
    private static Push StartPush(Workspace workspace, int proxyPort)
    {
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = workspace.Root, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])[VseProcess.Executable, "push", "big", $"docker://127.0.0.1:{proxyPort}/killed/big:v1"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in workspace.Environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        return new Push(process, process.StandardError.ReadToEndAsync());
    }

    /// <summary>Waits until the proxy holds an upload mid-blob; returns the skopeo vse started for it.</summary>
    private static async Task<int> SkopeoOfAsync(Push push, StallingProxy proxy)
    {
        var ended = push.Process.WaitForExitAsync();
        var first = await Task.WhenAny(proxy.Stalled, ended, Task.Delay(Deadline));
        if (first != proxy.Stalled)
        {
            Assert.Fail(first == ended ? $"vse push ended before the upload stalled: {await push.Stderr}" : "no upload reached the proxy");
        }

        var children = Children(push.Process.Id).Where(pid => Command(pid) == "skopeo").ToList();
        return Assert.Single(children);
    }

    private static async Task<bool> ExitsWithinAsync(Process process)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static IEnumerable<int> Children(int parent) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(name => int.TryParse(name, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Stat(pid) is { } stat && stat.Parent == parent);

    private static string? Command(int pid) => Stat(pid)?.Command;

    private static bool IsAlive(int pid) => Stat(pid) is { State: not "Z" };

    /// <summary>/proc/PID/stat: "PID (COMM) STATE PPID …"; COMM may hold spaces and parentheses, so it ends at the last ')'.</summary>
    private static (string Command, string State, int Parent)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        var rest = text[(close + 2)..].Split(' ');
        return (text[(open + 1)..close], rest[0], int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private const int SigKill = 9;

    private static int Kill(int pid) => KillNative(pid, SigKill);

    private static void KillGroup(Process process)
    {
        _ = KillNative(-process.Id, SigKill);
        process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int KillNative(int pid, int signal);
}
