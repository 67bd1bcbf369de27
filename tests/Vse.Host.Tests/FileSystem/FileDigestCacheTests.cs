using System.Security.Cryptography;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Host.Tests.FileSystem;

/// <summary>
/// A file's digest is remembered by its stat (device, inode, size, mtime, ctime) and given again
/// only while all five hold: a changed byte is seen even when the modification time is put back
/// with <c>touch -r</c>, a replaced file is seen, and a damaged entry is ignored.
/// </summary>
public sealed class FileDigestCacheTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private int computed;

    [Fact]
    public async Task An_unchanged_file_is_hashed_once_it_is_remembered()
    {
        var file = temp.WriteFile("data/file", "hello");
        var cache = Cache();
        Assert.Equal(Expected("hello"), await RememberedAsync(cache, file));
        var before = computed;
        Assert.Equal(Expected("hello"), await cache.DigestOfAsync(file, Hash, CancellationToken.None));
        Assert.Equal(before, computed);
    }

    [Fact]
    public async Task A_changed_byte_with_its_modification_time_put_back_is_seen()
    {
        var file = temp.WriteFile("data/file", "hello");
        var cache = Cache();
        Assert.Equal(Expected("hello"), await RememberedAsync(cache, file));
        var before = Nodes.TryGetStatus(file)!;
        var touch = ExternalTool.Require("touch", "coreutils");
        var reference = temp.WriteFile("reference", "");
        await ExternalTool.RunAsync(touch, ["-r", file, reference], CancellationToken.None);

        await File.WriteAllTextAsync(file, "jello");
        await ExternalTool.RunAsync(touch, ["-r", reference, file], CancellationToken.None);

        // Only the change time tells: same inode, same size, the same modification time to the nanosecond.
        var after = Nodes.TryGetStatus(file)!;
        Assert.Equal((before.Inode, before.Size, before.ModificationTimeNanoseconds), (after.Inode, after.Size, after.ModificationTimeNanoseconds));
        Assert.NotEqual(before.ChangeTimeNanoseconds, after.ChangeTimeNanoseconds);
        Assert.Equal(Expected("jello"), await cache.DigestOfAsync(file, Hash, CancellationToken.None));
    }

    [Fact]
    public async Task A_file_replaced_by_another_of_the_same_size_and_time_is_seen()
    {
        var file = temp.WriteFile("data/file", "hello");
        var cache = Cache();
        Assert.Equal(Expected("hello"), await RememberedAsync(cache, file));
        var replacement = temp.WriteFile("data/replacement", "jello");
        File.SetLastWriteTimeUtc(replacement, File.GetLastWriteTimeUtc(file));
        File.Move(replacement, file, overwrite: true);

        Assert.Equal(Expected("jello"), await cache.DigestOfAsync(file, Hash, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("vse-file-digest-v1 5 x y sha256:00\n")]
    [InlineData("vse-file-digest-v1 1 2 3\n")]
    public async Task A_damaged_entry_is_ignored_and_written_again(string damage)
    {
        var file = temp.WriteFile("data/file", "hello");
        var cache = Cache();
        await RememberedAsync(cache, file);
        var entry = Assert.Single(Directory.GetFiles(cache.Directory));
        await File.WriteAllTextAsync(entry, damage);

        var before = computed;
        Assert.Equal(Expected("hello"), await cache.DigestOfAsync(file, Hash, CancellationToken.None));
        Assert.Equal(before + 1, computed);
        Assert.Equal(Expected("hello"), await cache.DigestOfAsync(file, Hash, CancellationToken.None));
        Assert.Equal(before + 1, computed);
    }

    [Fact]
    public async Task A_file_changed_just_now_is_not_remembered()
    {
        // A write in the same tick of the file system's clock could leave every field equal.
        var file = temp.WriteFile("data/file", "hello");
        var cache = new FileDigestCache(temp.Combine("cache"), temp.CreateDirectory("tmp")) { RacyWindow = TimeSpan.FromDays(1) };
        await cache.DigestOfAsync(file, Hash, CancellationToken.None);
        await cache.DigestOfAsync(file, Hash, CancellationToken.None);
        Assert.Equal(2, computed);
        Assert.False(Directory.Exists(cache.Directory) && Directory.EnumerateFileSystemEntries(cache.Directory).Any());
    }

    [Fact]
    public async Task What_is_not_a_regular_file_is_handed_to_the_digest_every_time()
    {
        var directory = temp.CreateDirectory("data/directory");
        var cache = Cache();
        var missing = temp.Combine("data/missing");
        await Assert.ThrowsAsync<FileNotFoundException>(() => cache.DigestOfAsync(missing, Hash, CancellationToken.None));
        await Assert.ThrowsAnyAsync<Exception>(() => cache.DigestOfAsync(directory, Hash, CancellationToken.None));
        await Assert.ThrowsAnyAsync<Exception>(() => cache.DigestOfAsync(directory, Hash, CancellationToken.None));
        Assert.Equal(3, computed);
    }

    [Fact]
    public async Task A_cache_it_cannot_write_to_still_gives_digests()
    {
        var file = temp.WriteFile("data/file", "hello");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-1));
        temp.WriteFile("cache", "a file where the cache's directory would be");
        var cache = new FileDigestCache(temp.Combine("cache"), temp.CreateDirectory("tmp")) { RacyWindow = TimeSpan.Zero };
        Assert.Equal(Expected("hello"), await cache.DigestOfAsync(file, Hash, CancellationToken.None));
        Assert.Equal(Expected("hello"), await cache.DigestOfAsync(file, Hash, CancellationToken.None));
        Assert.Equal(2, computed);
        Assert.Empty(Directory.GetFiles(temp.Combine("tmp")));
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Gc_removes_the_entries_of_files_gone_or_changed_and_foreign_ones_and_keeps_the_one_that_still_hits()
    {
        var cache = Cache();
        var kept = temp.WriteFile("data/kept", "kept");
        var gone = temp.WriteFile("data/gone", "gone");
        var changed = temp.WriteFile("data/changed", "changed");
        foreach (var file in new[] { kept, gone, changed })
        {
            await RememberedAsync(cache, file);
        }

        Assert.Equal(3, Directory.GetFiles(cache.Directory).Length);
        File.Delete(gone);
        await File.AppendAllTextAsync(changed, "!");
        // Written by an earlier vse (no path): it cannot be judged, and is never read again.
        File.WriteAllText(Path.Combine(cache.Directory, "1-2"), "vse-file-digest-v1 5 1 1 sha256:00\n");

        Assert.Equal(3, cache.Prune(CancellationToken.None));

        Assert.Single(Directory.GetFiles(cache.Directory));
        var before = computed;
        Assert.Equal(Expected("kept"), await cache.DigestOfAsync(kept, Hash, CancellationToken.None));
        Assert.Equal(before, computed);
        Assert.Equal(0, cache.Prune(CancellationToken.None));
    }

    private FileDigestCache Cache() => new(temp.Combine("cache"), temp.CreateDirectory("tmp"));

    /// <summary>The digest, once the file is old enough to be remembered (one tick of the file system's clock past its last change).</summary>
    private async Task<string> RememberedAsync(FileDigestCache cache, string file)
    {
        var digest = "";
        await Poll.UntilAsync(
            async () =>
            {
                digest = await cache.DigestOfAsync(file, Hash, CancellationToken.None);
                return Directory.Exists(cache.Directory) && Directory.EnumerateFiles(cache.Directory).Any();
            },
            "the file's digest to be remembered");
        return digest;
    }

    private Task<string> Hash(string path, CancellationToken cancellationToken)
    {
        computed++;
        return Task.FromResult(Expected(File.ReadAllText(path)));
    }

    private static string Expected(string content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));
}
