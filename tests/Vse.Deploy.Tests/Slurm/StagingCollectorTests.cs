using Vse.Deploy.Slurm;

namespace Vse.Deploy.Tests.Slurm;

/// <summary>
/// Each rule of <see cref="StagingCollector"/> on directories standing in for a submit host's data
/// directory and the nodes' root; SlurmTests runs <c>vse gc</c> against real nodes and running jobs.
/// </summary>
public sealed class StagingCollectorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vse-staging-collector-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Home => Path.Combine(_root, "home");

    private string Nodes => Path.Combine(_root, "nodes");

    private string Exports => BroadcastExport.Directory(Home);

    /// <summary>A job directory for deployment <paramref name="id"/> whose broadcast is export <paramref name="configuration"/>.</summary>
    /// <param name="state">"done": ended; "dry": never submitted. (A job id without done makes gc ask squeue: SlurmTests.)</param>
    private async Task<string> JobAsync(string id, string configuration, string state)
    {
        var export = Path.Combine(Exports, configuration + ".tar");
        Directory.CreateDirectory(Exports);
        await File.WriteAllTextAsync(export, "tar bytes");
        await File.WriteAllTextAsync(export + BroadcastExport.DigestSuffix, "sha256:" + new string('a', 64) + "\n");
        var directory = JobDirectory.Of(Home, id);
        var destination = BroadcastExport.DestinationFor(Nodes, id);
        await directory.WriteJobAsync(
            BatchScriptTests.Job() with { DeploymentId = id, Broadcast = new BroadcastImage(export, "sha256:" + new string('a', 64), 9, destination) }, CancellationToken.None);
        if (state != "dry")
        {
            await File.WriteAllTextAsync(directory.JobIdFile, "424242\n");
        }

        if (state == "done")
        {
            await File.WriteAllTextAsync(directory.Done, "");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        await File.WriteAllTextAsync(destination, "broadcast bytes");
        return export;
    }

    [Fact]
    public async Task Exports_and_broadcast_files_of_ended_and_never_submitted_jobs_go_and_a_second_collection_finds_nothing()
    {
        var ended = await JobAsync("00000001", "c0ffee000001", "done");
        var neverSubmitted = await JobAsync("00000002", "c0ffee000002", "dry");

        var collected = await StagingCollector.CollectAsync(Home, Nodes, CancellationToken.None);

        Assert.Equal(new StagingCollector.Collected(2, 0, 2, 2 * 9 + 2 * 15), collected);
        Assert.Empty(Directory.GetFiles(Exports));
        Assert.Empty(Directory.GetFiles(Path.Combine(Nodes, BroadcastExport.IncomingDirectory)));
        Assert.False(File.Exists(ended));
        Assert.False(File.Exists(neverSubmitted));
        Assert.Equal(new StagingCollector.Collected(0, 0, 0, 0), await StagingCollector.CollectAsync(Home, Nodes, CancellationToken.None));
    }

    [Fact]
    public async Task Gc_waits_while_a_submission_holds_the_exports_and_removes_nothing_meanwhile()
    {
        var ended = await JobAsync("00000003", "c0ffee000003", "done");
        using var cancel = new CancellationTokenSource();

        Task<StagingCollector.Collected> collecting;
        // What vse submit holds from before it makes or reuses an export until its job's id is recorded.
        using (await BroadcastExport.LockAsync(Home, exclusive: false, CancellationToken.None))
        {
            collecting = StagingCollector.CollectAsync(Home, Nodes, cancel.Token);
            await cancel.CancelAsync();

            // gc was still waiting for the lock: it gives up, having listed and removed nothing.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collecting);
            Assert.True(File.Exists(ended));
        }

        // Once the submission has let go, gc runs.
        Assert.Equal(1, (await StagingCollector.CollectAsync(Home, Nodes, CancellationToken.None)).Exports);
        Assert.False(File.Exists(ended));
    }

    [Fact]
    public async Task Digests_without_their_export_and_interrupted_writes_go()
    {
        Directory.CreateDirectory(Exports);
        await File.WriteAllTextAsync(Path.Combine(Exports, "c0ffee000009.tar.sha256"), "sha256:x\n");
        await File.WriteAllTextAsync(Path.Combine(Exports, "c0ffee000009.tar.sha256.77.tmp"), "sha256:x");
        await File.WriteAllTextAsync(Path.Combine(Exports, "x"), "");

        await StagingCollector.CollectAsync(Home, null, CancellationToken.None);

        Assert.Empty(Directory.GetFiles(Exports));
    }

    [Fact]
    public async Task A_nodes_cached_images_no_deployment_of_it_uses_go_an_unpacking_in_progress_stays()
    {
        var cache = Path.Combine(Nodes, "n1", "staged");
        foreach (var entry in new[] { new string('1', 64), new string('2', 64), ".unpacking-0123" })
        {
            Directory.CreateDirectory(Path.Combine(cache, entry, "rootfs", "bin"));
            await File.WriteAllTextAsync(Path.Combine(cache, entry, "rootfs", "bin", "tool"), "12345");
        }

        var collected = await StagingCollector.CollectAsync(Home, Nodes, CancellationToken.None);

        Assert.Equal(2, collected.NodeImages);
        Assert.True(collected.Bytes >= 10);
        Assert.Equal([Path.Combine(cache, ".unpacking-0123")], Directory.GetDirectories(cache));
    }

    [Fact]
    public async Task Without_a_nodes_root_only_the_exports_are_looked_at()
    {
        await JobAsync("00000001", "c0ffee000001", "done");
        Directory.CreateDirectory(Path.Combine(Nodes, "n1", "staged", new string('1', 64)));

        var collected = await StagingCollector.CollectAsync(Home, null, CancellationToken.None);

        Assert.Equal(new StagingCollector.Collected(1, 0, 0, 9), collected);
        Assert.True(Directory.Exists(Path.Combine(Nodes, "n1", "staged", new string('1', 64))));
    }
}
