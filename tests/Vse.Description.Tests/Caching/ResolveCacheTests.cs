using Vse.Description.Caching;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Description.Tests.Support;
using Vse.Testing;

namespace Vse.Description.Tests.Caching;

/// <summary>
/// A resolve kept by <see cref="ResolveCache"/> is given again only while everything it read is as
/// it was, and is then the same description a resolve gives: a one-byte change in a parent, in the
/// site policy, in a copied source, or a changed <c>${env.X}</c> is a miss; a change to anything it
/// did not read is not.
/// </summary>
public sealed class ResolveCacheTests : IDisposable
{
    private readonly DescriptionWorkspace ws = new();
    private readonly ResolveCache cache;

    public ResolveCacheTests()
    {
        // The store's tmp/, which the first build makes: nothing is kept before it exists.
        cache = new ResolveCache(Path.Combine(ws.Root, "state", "resolved"), ws.CreateDirectory(Path.Combine("state", "store", "tmp")));
        ws.Environment["PROJECT"] = "alpha";
        ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\nname: site-policy\npolicy:\n  allow:\n    mounts: [/scratch/**]\n");
        ws.WriteSite("hpc", "vse: 1\nname: hpc\nos: {base: busybox}\nresources: {cpus: 4}\npolicy: {lock: [os.base]}\n");
        ws.WriteFile("payload/a.txt", "A");
        ws.WriteFile("payload/sub/b.txt", "B");
        ws.Write("app", """
            vse: 1
            name: app
            extends: hpc
            env: {PROJECT: "${env.PROJECT}"}
            packages: {remove: [nano]}
            mounts: {/data: {source: /scratch/alice}}
            files:
              - {copy: ./payload, to: /opt/payload}
            """);
    }

    [SkippableFact]
    public async Task A_hit_gives_the_description_a_resolve_gives_with_its_warnings()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var hit = await HitAsync();
        var fresh = ws.Resolve("app");
        Assert.True(fresh.Succeeded, string.Join("\n", fresh.Diagnostics));
        var (expected, actual) = (fresh.Description!, hit.Description!);

        Assert.NotEmpty(fresh.Diagnostics);
        Assert.Equal(fresh.Diagnostics, hit.Diagnostics);
        Assert.Equal(expected.ToCanonicalJson(), actual.ToCanonicalJson());
        Assert.Equal(expected.ToLocationFreeJson(), actual.ToLocationFreeJson());
        Assert.Equal(expected.Digest, actual.Digest);
        Assert.Equal(expected.Target, actual.Target);
        Assert.Equal(expected.Layers, actual.Layers);
        Assert.Equal(PolicyDigest.Of(expected.Policy), PolicyDigest.Of(actual.Policy));
        Assert.Equivalent(expected.Policy, actual.Policy, strict: true);
        Assert.Equal(expected.Provenance.Paths, actual.Provenance.Paths);
        Assert.All(expected.Provenance.Paths, path => Assert.Equal(expected.Provenance.For(path), actual.Provenance.For(path)));
        Assert.Equivalent(RuntimeModel.From(expected), RuntimeModel.From(actual), strict: true);
    }

    [SkippableFact]
    public async Task A_one_byte_change_in_a_parent_is_a_miss()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        await HitAsync();
        ws.WriteSite("hpc", "vse: 1\nname: hpc\nos: {base: busybox}\nresources: {cpus: 5}\npolicy: {lock: [os.base]}\n");

        var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options());
        Assert.False(fromCache);
        Assert.Equal(5, Assertions.Int(result.Description!.Content, "resources.cpus"));
    }

    [SkippableFact]
    public async Task A_one_byte_change_with_its_modification_time_put_back_is_a_miss()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        await HitAsync();
        var parent = ws.PathOf(Path.Combine("site", "hpc"));
        var modified = File.GetLastWriteTimeUtc(parent);
        ws.WriteSite("hpc", "vse: 1\nname: hpc\nos: {base: busybox}\nresources: {cpus: 6}\npolicy: {lock: [os.base]}\n");
        File.SetLastWriteTimeUtc(parent, modified);

        var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options());
        Assert.False(fromCache);
        Assert.Equal(6, Assertions.Int(result.Description!.Content, "resources.cpus"));
    }

    [SkippableFact]
    public async Task A_one_byte_change_in_the_site_policy_is_a_miss()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        await HitAsync();
        ws.WriteFile(Path.Combine("site", SiteWidePolicy.FileName), "vse: 1\nname: site-policy\npolicy:\n  allow:\n    mounts: [/scretch/**]\n");

        var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options());
        Assert.False(fromCache);
        Assert.False(result.Succeeded, "the mount is no longer allowed");
    }

    [SkippableTheory]
    [InlineData("payload/sub/b.txt", "C")] // a one-byte change
    [InlineData("payload/sub/new.txt", "")] // a file added to a copied directory
    public async Task A_change_in_a_copy_source_is_a_miss_with_a_new_digest(string file, string content)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var before = (await HitAsync()).Description!.Digest;
        ws.WriteFile(file, content);

        var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options());
        Assert.False(fromCache);
        Assert.NotEqual(before, result.Description!.Digest);
    }

    [SkippableFact]
    public async Task A_copy_source_that_is_absent_is_kept_as_absent_and_its_appearing_is_a_miss()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\nfiles:\n  - {copy: ./missing/file.txt, to: /opt/file.txt}\n");
        var before = (await HitAsync()).Description!.Digest;
        ws.WriteFile("missing/file.txt", "now here");

        var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options());
        Assert.False(fromCache);
        Assert.NotEqual(before, result.Description!.Digest);
    }

    [SkippableFact]
    public async Task A_changed_variable_the_description_uses_is_a_miss_and_one_it_does_not_use_is_not()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        await HitAsync();
        ws.Environment["UNRELATED"] = "changed";
        Assert.True(cache.Resolve(ws.PathOf("app"), ws.Options()).FromCache);

        ws.Environment["PROJECT"] = "beta";
        var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options());
        Assert.False(fromCache);
        Assert.Equal("beta", Assertions.Str(result.Description!.Content, "env.PROJECT"));
    }

    [SkippableFact]
    public async Task A_base_of_the_same_name_earlier_on_the_search_path_is_a_miss()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        ws.WriteFile("lib/late/common.vse.yaml", "vse: 1\nname: common\nresources: {memory: 1G}\n");
        ws.CreateDirectory("lib/early");
        ws.Environment["VSE_PATH"] = $"{ws.Root}/lib/early:{ws.Root}/lib/late";
        ws.Write("app", "vse: 1\nname: app\nextends: [hpc, common]\n");
        await HitAsync();

        ws.WriteFile("lib/early/common.vse.yaml", "vse: 1\nname: common\nresources: {memory: 2G}\n");
        var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options());
        Assert.False(fromCache);
        Assert.Equal(2_000_000_000, Assertions.Int(result.Description!.Content, "resources.memory"));
    }

    [SkippableFact]
    public async Task A_damaged_entry_is_a_miss_and_is_written_again()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        await HitAsync();
        var entry = Assert.Single(Directory.GetFiles(cache.Directory));
        var bytes = await File.ReadAllBytesAsync(entry);
        await File.WriteAllBytesAsync(entry, bytes[..(bytes.Length / 2)]);

        var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options());
        Assert.False(fromCache);
        Assert.True(result.Succeeded);
        Assert.True(cache.Resolve(ws.PathOf("app"), ws.Options()).FromCache);
    }

    [SkippableFact]
    public async Task A_resolve_with_errors_is_never_kept()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        await HitAsync();
        for (var i = 0; i < 2; i++)
        {
            // Every file it reads is old enough to be kept; the unknown target is the error.
            var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options("no-such-target"));
            Assert.False(result.Succeeded);
            Assert.False(fromCache);
        }

        Assert.Single(Directory.GetFiles(cache.Directory));
    }

    [SkippableFact]
    public async Task Gc_keeps_an_entry_that_still_hits_and_removes_one_whose_parent_changed()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        await HitAsync();
        Assert.Equal(0, cache.Prune(DateTimeOffset.UtcNow, TimeSpan.FromDays(30), CancellationToken.None));
        Assert.True(cache.Resolve(ws.PathOf("app"), ws.Options()).FromCache);

        ws.WriteSite("hpc", "vse: 1\nname: hpc\nos: {base: busybox}\nresources: {cpus: 6}\npolicy: {lock: [os.base]}\n");

        Assert.Equal(1, cache.Prune(DateTimeOffset.UtcNow, TimeSpan.FromDays(30), CancellationToken.None));
        Assert.Empty(Directory.GetFiles(cache.Directory));
    }

    [SkippableFact]
    public async Task Gc_removes_an_entry_older_than_the_lifetime_and_a_damaged_one()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        await HitAsync();
        Assert.Equal(1, cache.Prune(DateTimeOffset.UtcNow + TimeSpan.FromDays(31), TimeSpan.FromDays(30), CancellationToken.None));

        await HitAsync();
        var entry = Directory.GetFiles(cache.Directory).Single();
        File.WriteAllBytes(entry, File.ReadAllBytes(entry)[..40]);
        Assert.Equal(1, cache.Prune(DateTimeOffset.UtcNow, TimeSpan.FromDays(30), CancellationToken.None));
        Assert.Empty(Directory.GetFiles(cache.Directory));
    }

    public void Dispose() => ws.Dispose();

    /// <summary>A hit, once the files are a tick of the file system's clock older than their last change (a resolve of fresher ones is not kept).</summary>
    private async Task<ResolveResult> HitAsync()
    {
        ResolveResult? hit = null;
        await Poll.UntilAsync(
            () =>
            {
                var (result, fromCache) = cache.Resolve(ws.PathOf("app"), ws.Options());
                Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
                hit = fromCache ? result : null;
                return Task.FromResult(fromCache);
            },
            "a resolve from the cache");
        return hit!;
    }
}
