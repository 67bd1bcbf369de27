using Vse.Runtime.Host;
using Vse.Runtime.Oci;
using Vse.Runtime.Tests.Support;

namespace Vse.Runtime.Tests.Oci;

/// <summary>
/// The probe cache with real files: a fake runtime (a script that fails like a broken runtime)
/// stands in for crun/runc, so what is served from the cache and what is probed again shows.
/// </summary>
public sealed class OciRuntimeProbeCacheTests : IDisposable
{
    private static readonly HostIdentity Host = new("6.1.0-test", CgroupLayout.V2, 1000);
    private readonly TempDirectory _directory = new("vse-probe-cache-test-");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void The_key_changes_with_the_binary_size_and_time_and_follows_links()
    {
        var binary = FakeRuntime("runtime", "#!/bin/sh\nexit 1\n");
        var key = OciProbeKey.For(binary, Host);
        Assert.Equal(key, OciProbeKey.For(binary, Host));

        File.SetLastWriteTimeUtc(binary, File.GetLastWriteTimeUtc(binary).AddSeconds(-10));
        var touched = OciProbeKey.For(binary, Host);
        Assert.NotEqual(key, touched);

        // A new version of the same size and time is unlikely; one of the same time is not.
        var time = File.GetLastWriteTimeUtc(binary);
        File.AppendAllText(binary, "# upgraded\n");
        File.SetLastWriteTimeUtc(binary, time);
        Assert.NotEqual(touched, OciProbeKey.For(binary, Host));

        var link = _directory.Combine("link");
        File.CreateSymbolicLink(link, binary);
        Assert.Equal(OciProbeKey.For(binary, Host), OciProbeKey.For(link, Host));
    }

    [Fact]
    public void The_key_changes_with_the_kernel_the_cgroup_layout_and_the_user()
    {
        var binary = FakeRuntime("runtime", "#!/bin/sh\nexit 1\n");
        var key = OciProbeKey.For(binary, Host);

        Assert.NotEqual(key, OciProbeKey.For(binary, Host with { KernelRelease = "6.1.0-other" }));
        Assert.NotEqual(key, OciProbeKey.For(binary, Host with { CgroupLayout = CgroupLayout.Hybrid }));
        Assert.NotEqual(key, OciProbeKey.For(binary, Host with { EffectiveUid = 0 }));
    }

    [Fact]
    public async Task A_remembered_outcome_is_served_without_a_probe_while_its_key_holds()
    {
        var binary = FakeRuntime("runtime", "#!/bin/sh\nexit 1\n");
        var cache = Cache(Host);
        await cache.StoreAsync(new OciProbeCacheEntry(binary, OciProbeKey.For(binary, Host), true, null, DateTimeOffset.UtcNow), CancellationToken.None);

        // The script cannot run a container: "works" can only have come from the cache.
        var result = await cache.ProbeAsync(binary, CancellationToken.None);

        Assert.True(result.Works);
        Assert.Equal(binary, result.Path);
    }

    [SkippableFact]
    public async Task A_changed_binary_is_probed_again_and_the_new_outcome_replaces_the_old()
    {
        RequireBusybox();
        var binary = FakeRuntime("runtime", "#!/bin/sh\nexit 1\n");
        var cache = Cache(Host);
        await cache.StoreAsync(new OciProbeCacheEntry(binary, OciProbeKey.For(binary, Host), true, null, DateTimeOffset.UtcNow), CancellationToken.None);
        File.AppendAllText(binary, "# upgraded\n");

        var result = await cache.ProbeAsync(binary, CancellationToken.None);

        Assert.False(result.Works);
        var entry = await cache.LookupAsync(binary, OciProbeKey.For(binary, Host), CancellationToken.None);
        Assert.NotNull(entry);
        Assert.False(entry.Works);
    }

    [Fact]
    public async Task Another_kernel_or_user_makes_the_entry_invisible()
    {
        var binary = FakeRuntime("runtime", "#!/bin/sh\nexit 1\n");
        await Cache(Host).StoreAsync(new OciProbeCacheEntry(binary, OciProbeKey.For(binary, Host), true, null, DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Null(await Cache(Host).LookupAsync(binary, OciProbeKey.For(binary, Host with { KernelRelease = "6.12.0" }), CancellationToken.None));
        Assert.Null(await Cache(Host).LookupAsync(binary, OciProbeKey.For(binary, Host with { EffectiveUid = 0 }), CancellationToken.None));
        Assert.NotNull(await Cache(Host).LookupAsync(binary, OciProbeKey.For(binary, Host), CancellationToken.None));
    }

    [Fact]
    public async Task A_remembered_failure_is_trusted_too()
    {
        var binary = FakeRuntime("runtime", "#!/bin/sh\nexit 0\n");
        var cache = Cache(Host);
        await cache.StoreAsync(new OciProbeCacheEntry(binary, OciProbeKey.For(binary, Host), false, "cgroups in hybrid mode not supported", DateTimeOffset.UtcNow), CancellationToken.None);

        var error = await Assert.ThrowsAsync<OciRuntimeUnavailableException>(() => OciRuntimeProbe.SelectAsync(binary, cache, CancellationToken.None));

        Assert.Contains("cgroups in hybrid mode not supported", error.Message);
    }

    [SkippableFact]
    public async Task Refresh_probes_whatever_is_remembered_and_rewrites_the_entry()
    {
        RequireBusybox();
        var binary = FakeRuntime("runtime", "#!/bin/sh\necho 'broken runtime' >&2\nexit 1\n");
        var cache = Cache(Host);
        var key = OciProbeKey.For(binary, Host);
        await cache.StoreAsync(new OciProbeCacheEntry(binary, key, true, null, DateTimeOffset.UtcNow), CancellationToken.None);

        var result = await cache.RefreshAsync(binary, CancellationToken.None);

        Assert.False(result.Works);
        Assert.Equal("broken runtime", result.Error);
        Assert.Equal("broken runtime", (await cache.LookupAsync(binary, key, CancellationToken.None))?.Error);
    }

    [Fact]
    public async Task A_damaged_file_counts_as_empty_and_is_replaced_whole()
    {
        var binary = FakeRuntime("runtime", "#!/bin/sh\nexit 1\n");
        var cache = Cache(Host);
        await File.WriteAllTextAsync(cache.FilePath, "{\"version\": 1, \"entries\": [ {\"name\": ");

        Assert.Null(await cache.LookupAsync(binary, OciProbeKey.For(binary, Host), CancellationToken.None));
        await cache.StoreAsync(new OciProbeCacheEntry(binary, OciProbeKey.For(binary, Host), true, null, DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.NotNull(await Cache(Host).LookupAsync(binary, OciProbeKey.For(binary, Host), CancellationToken.None));
        Assert.Equal([OciRuntimeProbeCache.FileName, "runtime"], Directory.GetFiles(_directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Concurrent_stores_of_one_process_keep_every_runtime()
    {
        var cache = Cache(Host);
        var binaries = Enumerable.Range(0, 8).Select(i => FakeRuntime($"runtime{i}", "#!/bin/sh\nexit 1\n")).ToList();

        await Task.WhenAll(binaries.Select(b => Task.Run(() => cache.StoreAsync(new OciProbeCacheEntry(b, OciProbeKey.For(b, Host), true, null, DateTimeOffset.UtcNow), CancellationToken.None))));

        foreach (var binary in binaries)
        {
            Assert.NotNull(await cache.LookupAsync(binary, OciProbeKey.For(binary, Host), CancellationToken.None));
        }
    }

    [Fact]
    public async Task One_cache_reads_the_file_once_for_every_runtime_it_looks_up()
    {
        var crun = FakeRuntime("crun", "#!/bin/sh\nexit 1\n");
        var runc = FakeRuntime("runc", "#!/bin/sh\nexit 1\n");
        var writer = Cache(Host);
        await writer.StoreAsync(new OciProbeCacheEntry(crun, OciProbeKey.For(crun, Host), false, "hybrid", DateTimeOffset.UtcNow), CancellationToken.None);
        await writer.StoreAsync(new OciProbeCacheEntry(runc, OciProbeKey.For(runc, Host), true, null, DateTimeOffset.UtcNow), CancellationToken.None);
        var cache = Cache(Host);

        Assert.False((await cache.LookupAsync(crun, OciProbeKey.For(crun, Host), CancellationToken.None))?.Works);
        // Damaged after the first lookup: the second one can only be answered from that first read.
        await File.WriteAllTextAsync(cache.FilePath, "{");

        Assert.True((await cache.LookupAsync(runc, OciProbeKey.For(runc, Host), CancellationToken.None))?.Works);
        Assert.Null(await Cache(Host).LookupAsync(runc, OciProbeKey.For(runc, Host), CancellationToken.None));
    }

    [Theory]
    [InlineData(CgroupLayout.None)]
    [InlineData(CgroupLayout.V1)]
    [InlineData(CgroupLayout.Hybrid)]
    [InlineData(CgroupLayout.V2)]
    public async Task What_is_stored_reads_back_equal_for_every_cgroup_layout(CgroupLayout layout)
    {
        var binary = FakeRuntime("runtime", "#!/bin/sh\nexit 1\n");
        var host = Host with { CgroupLayout = layout };
        var stored = new OciProbeCacheEntry(binary, OciProbeKey.For(binary, host), false, "a \"quoted\" error", DateTimeOffset.UtcNow);
        await Cache(host).StoreAsync(stored, CancellationToken.None);

        Assert.Equal(stored, await Cache(host).LookupAsync(binary, stored.Key, CancellationToken.None));
    }

    [Theory]
    [InlineData("{\"version\": 2, \"entries\": 7}")]
    [InlineData("{\"version\": \"1\", \"entries\": []}")]
    [InlineData("{\"version\": 1, \"entries\": {}}")]
    [InlineData("{\"version\": 1, \"entries\": [{\"name\": \"runtime\"}]}")]
    [InlineData("[]")]
    public async Task Another_version_or_shape_counts_as_empty(string json)
    {
        var binary = FakeRuntime("runtime", "#!/bin/sh\nexit 1\n");
        var cache = Cache(Host);
        await File.WriteAllTextAsync(cache.FilePath, json);

        Assert.Null(await cache.LookupAsync(binary, OciProbeKey.For(binary, Host), CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_runtime_is_reported_and_nothing_is_written()
    {
        var cache = Cache(Host);

        var result = await cache.ProbeAsync("no-such-runtime-vse", CancellationToken.None);

        Assert.False(result.Works);
        Assert.False(File.Exists(cache.FilePath));
    }

    private OciRuntimeProbeCache Cache(HostIdentity host) => new(_directory.Path, _ => Task.FromResult(host));

    private string FakeRuntime(string name, string script)
    {
        var path = _directory.Combine(name);
        File.WriteAllText(path, script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    // A probe needs the busybox it copies into its bundle; without it the probe is inconclusive.
    private static void RequireBusybox()
    {
        if (!File.Exists("/bin/busybox"))
        {
            Requirements.Missing("/bin/busybox is missing (Debian package busybox-static)");
        }
    }
}
