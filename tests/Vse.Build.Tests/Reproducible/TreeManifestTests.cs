using Vse.Build.Reproducible;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Reproducible;

/// <summary>What a layer manifest counts: content, mode, time and link target, by path.</summary>
public sealed class TreeManifestTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Content_mode_time_and_link_target_each_change_the_entry_and_nothing_else_does()
    {
        var tree = temp.CreateDirectory("tree");
        var file = temp.WriteFile("tree/etc/conf", "a");
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "etc/conf");
        var before = await ReadAsync(tree);
        Assert.Equal(before.Entries, (await ReadAsync(tree)).Entries);
        Assert.Contains(".", before.Entries.Keys);

        File.WriteAllText(file, "b");
        var content = await ReadAsync(tree);
        Assert.NotEqual(before.Entries["etc/conf"], content.Entries["etc/conf"]);
        Assert.Equal(before.Entries["link"], content.Entries["link"]);

        File.SetUnixFileMode(file, UnixFileMode.UserRead);
        var mode = await ReadAsync(tree);
        Assert.NotEqual(content.Entries["etc/conf"], mode.Entries["etc/conf"]);

        File.SetLastWriteTimeUtc(file, new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var time = await ReadAsync(tree);
        Assert.NotEqual(mode.Entries["etc/conf"], time.Entries["etc/conf"]);

        File.Delete(Path.Combine(tree, "link"));
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "elsewhere");
        Assert.NotEqual(before.Entries["link"], (await ReadAsync(tree)).Entries["link"]);
    }

    [Fact]
    public async Task A_file_shared_by_hard_link_is_read_once()
    {
        temp.WriteFile("one/data", "shared");
        Directory.CreateDirectory(temp.Combine("two"));
        Assert.Equal(0, NodeOperations.HardLink(temp.Combine("one/data"), temp.Combine("two/data")));
        var contents = new Dictionary<(ulong Device, ulong Inode), string>();
        var one = await TreeManifest.ReadAsync(temp.Combine("one"), contents, CancellationToken.None);
        var two = await TreeManifest.ReadAsync(temp.Combine("two"), contents, CancellationToken.None);
        Assert.Single(contents);
        Assert.Equal(one.Entries["data"], two.Entries["data"]);
    }

    private static Task<TreeManifest> ReadAsync(string tree) =>
        TreeManifest.ReadAsync(tree, new Dictionary<(ulong Device, ulong Inode), string>(), CancellationToken.None);
}
