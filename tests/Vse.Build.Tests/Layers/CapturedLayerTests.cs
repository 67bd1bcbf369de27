using System.Formats.Tar;
using Vse.Build.FileSystem;
using Vse.Build.Layers;
using Vse.Build.Reproducible;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Layers;

/// <summary>
/// <see cref="CapturedLayer"/> on an upper directory made here (its changes found by
/// <see cref="UpperDirectoryChanges"/>); the integration twin commits a running instance and
/// builds the description (OnlineCommandTests in Vse.Cli.Tests).
/// </summary>
public sealed class CapturedLayerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Image => _temp.Combine("image");

    private string Upper => _temp.Combine("upper");

    public CapturedLayerTests()
    {
        Directory.CreateDirectory(Path.Combine(Image, "srv"));
        Directory.CreateDirectory(Upper);
    }

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public async Task Applied_it_gives_the_same_content_owners_modes_and_links_with_clamped_times()
    {
        Requirements.Root();
        Write("usr/local/bin/tool", [.. Enumerable.Range(0, 256).Select(i => (byte)i)], "4755");
        Write("srv/large.bin", [.. Enumerable.Repeat((byte)'x', 100 * 1024)], "0644");
        Directory.CreateDirectory(Path.Combine(Upper, "srv/data"));
        Write("srv/data/owned", "mine\n"u8.ToArray(), "0600");
        File.CreateSymbolicLink(Path.Combine(Upper, "srv/data/link"), "owned");
        foreach (var path in new[] { "srv/data", "srv/data/owned", "srv/data/link" })
        {
            NodeMetadata.SetOwner(Path.Combine(Upper, path), new ImageOwner(1234, 1234));
        }

        var archive = _temp.Combine("captured.layer.tar");
        var digest = await CapturedLayer.WriteAsync(Upper, Changes(), archive, CancellationToken.None);
        var rootfs = _temp.CreateDirectory("rebuilt");
        Directory.CreateDirectory(Path.Combine(rootfs, "srv"));
        Directory.CreateDirectory(Path.Combine(rootfs, "usr/local/bin"));
        await CapturedLayer.ApplyAsync(archive, digest, rootfs, CancellationToken.None);

        foreach (var path in new[] { "usr/local/bin/tool", "srv/large.bin", "srv/data/owned" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(Upper, path)), File.ReadAllBytes(Path.Combine(rootfs, path)));
            var expected = Nodes.TryGetStatus(Path.Combine(Upper, path))!;
            var status = Nodes.TryGetStatus(Path.Combine(rootfs, path))!;
            Assert.Equal((expected.Mode, expected.Uid, expected.Gid), (status.Mode, status.Uid, status.Gid));
            Assert.Equal(ReproducibleTree.EpochTime, status.ModificationTime);
        }

        var directory = Nodes.TryGetStatus(Path.Combine(rootfs, "srv/data"))!;
        Assert.Equal((NodeType.Directory, 1234u, 1234u), (directory.Type, directory.Uid, directory.Gid));
        var link = Nodes.TryGetStatus(Path.Combine(rootfs, "srv/data/link"))!;
        Assert.Equal((NodeType.Symlink, 1234u), (link.Type, link.Uid));
        Assert.Equal("owned", new FileInfo(Path.Combine(rootfs, "srv/data/link")).LinkTarget);
    }

    [Fact]
    public async Task One_tree_gives_one_archive_sorted_with_numeric_owners_and_no_access_or_change_times()
    {
        Write("srv/b.bin", [0, 1, 2], "0644");
        Write("srv/a.bin", [3, 4, 5], "0640");
        var first = await CapturedLayer.WriteAsync(Upper, Changes(), _temp.Combine("first.tar"), CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(Upper, "srv/a.bin"), DateTime.UtcNow.AddMinutes(-3));
        var second = await CapturedLayer.WriteAsync(Upper, Changes(), _temp.Combine("second.tar"), CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(File.ReadAllBytes(_temp.Combine("first.tar")), File.ReadAllBytes(_temp.Combine("second.tar")));
        var entries = new List<PaxTarEntry>();
        await using (var reader = new TarReader(File.OpenRead(_temp.Combine("first.tar"))))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                entries.Add(Assert.IsType<PaxTarEntry>(entry));
            }
        }

        Assert.Equal(["srv/a.bin", "srv/b.bin"], entries.Select(e => e.Name));
        Assert.All(entries, e =>
        {
            Assert.Equal(("", ""), (e.UserName, e.GroupName));
            Assert.DoesNotContain("atime", e.ExtendedAttributes.Keys);
            Assert.DoesNotContain("ctime", e.ExtendedAttributes.Keys);
            Assert.Equal(ReproducibleTree.EpochTime, e.ModificationTime);
        });
    }

    [Fact]
    public async Task A_missing_or_changed_archive_is_refused_with_the_digest_it_should_have()
    {
        Write("srv/a.bin", [1, 2, 3], "0644");
        var archive = _temp.Combine("captured.layer.tar");
        var digest = await CapturedLayer.WriteAsync(Upper, Changes(), archive, CancellationToken.None);
        var rootfs = _temp.CreateDirectory("rebuilt");

        await using (var stream = new FileStream(archive, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 600;
            stream.WriteByte(9);
        }

        var changed = await Assert.ThrowsAsync<CapturedLayerException>(() => CapturedLayer.ApplyAsync(archive, digest, rootfs, CancellationToken.None));
        Assert.StartsWith($"captured layer {digest}: its archive {archive} has digest sha256:", changed.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(rootfs));

        File.Delete(archive);
        var missing = await Assert.ThrowsAsync<CapturedLayerException>(() => CapturedLayer.VerifyAsync(archive, digest, CancellationToken.None));
        Assert.StartsWith($"captured layer {digest}: cannot read its archive {archive}", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_swapped_in_above_a_node_is_not_followed_out_of_the_upper_directory()
    {
        Write("etc/secret", [1], "0600");
        var changes = Changes();
        var host = _temp.WriteFile("host/secret", "the host's\n");
        Directory.Delete(Path.Combine(Upper, "etc"), recursive: true);
        File.CreateSymbolicLink(Path.Combine(Upper, "etc"), Path.GetDirectoryName(host)!);

        await Assert.ThrowsAnyAsync<IOException>(() => CapturedLayer.WriteAsync(Upper, changes.Where(c => c.Path == "/etc/secret"), _temp.Combine("out.tar"), CancellationToken.None));
    }

    private List<FileChange> Changes() => [.. UpperDirectoryChanges.Between(Image, Upper, CancellationToken.None)];

    private NodeStatus Write(string relative, byte[] content, string mode)
    {
        var path = Path.Combine(Upper, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));
        return Nodes.TryGetStatus(path)!;
    }
}
