using System.Globalization;
using Vse.Runtime.Sandbox;

namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse checkpoint</c> and <c>vse restore</c> through the real executable. What they must do
/// depends on whether CRIU works on this host, so the test asks the same probe vse asks and
/// holds the commands to its verdict: a round trip where CRIU works, one clear line and exit
/// code 4 (with the deployment running on, untouched) where it does not.
/// </summary>
public sealed class CheckpointCommandTests
{
    private const string Counter = """
        vse: 1
        name: apps/counter
        os: {base: busybox}
        files: [{write: /usr/bin/counter, content: "#!/bin/sh\ni=0\nwhile :; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.1; done\n", mode: "0755"}]
        services: [counter]
        """;

    [SkippableFact]
    public async Task Checkpoint_does_what_the_CRIU_probe_predicts_and_restore_rolls_back_to_it()
    {
        Requirements.Root();
        Requirements.Tool("criu");
        var probe = await CriuProbe.ProbeAsync(CancellationToken.None);
        using var workspace = new Workspace();
        workspace.Write("counter.vse.yaml", Counter);
        var deployed = await workspace.RunAsync("deploy", "counter.vse.yaml");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim().Split('\n')[^1];
        try
        {
            var before = await WaitForCountAsync(workspace, id, atLeast: 5);
            var instanceDirectory = Path.Combine(workspace.VseHome, "run", id, "0");
            var entries = Entries(instanceDirectory);

            var checkpoint = await workspace.RunAsync("checkpoint", id);

            if (!probe.Works)
            {
                Assert.Equal(4, checkpoint.ExitCode);
                Assert.Equal(
                    [$"vse: error: the sandbox driver cannot checkpoint an instance: {probe.Explanation}"],
                    checkpoint.ErrorLines);
                Assert.Contains(" running ", (await workspace.RunAsync("ps")).Stdout);
                await WaitForCountAsync(workspace, id, atLeast: before + 5);
                Assert.Equal(entries, Entries(instanceDirectory));
                Assert.Equal(2, (await workspace.RunAsync("restore", id)).ExitCode); // no checkpoint to restore
                return;
            }

            Assert.True(checkpoint.ExitCode == 0, checkpoint.Stderr);
            Assert.True(File.Exists(Path.Combine(instanceDirectory, "checkpoint", "inventory.img")));
            // The deployment runs on past the checkpoint; the restore takes it back there.
            var atCheckpoint = await ReadCountAsync(workspace, id);
            var ranOn = await WaitForCountAsync(workspace, id, atLeast: atCheckpoint!.Value + 20);
            var restored = await workspace.RunAsync("restore", id);
            Assert.True(restored.ExitCode == 0, restored.Stderr);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var afterRestore = await ReadCountAsync(workspace, id);
            Assert.True(afterRestore >= before && afterRestore < ranOn, $"{before} before the checkpoint, {ranOn} before the restore, {afterRestore} after it");
            Assert.Contains(" running ", (await workspace.RunAsync("ps")).Stdout);
        }
        finally
        {
            await workspace.RunAsync("cleanup", id);
        }
    }

    private static async Task<int?> ReadCountAsync(Workspace workspace, string id)
    {
        var read = await workspace.RunAsync("exec", id, "--", "cat", "/tmp/counter");
        return read.ExitCode == 0 && int.TryParse(read.Stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
    }

    private static async Task<int> WaitForCountAsync(Workspace workspace, string id, int atLeast)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        int? count = null;
        while (DateTime.UtcNow < deadline)
        {
            count = await ReadCountAsync(workspace, id);
            if (count >= atLeast)
            {
                return count.Value;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the counter did not reach {atLeast} (last read: {count})");
        return 0;
    }

    private static List<string> Entries(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];
}
