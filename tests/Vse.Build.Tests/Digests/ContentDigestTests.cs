using Vse.Build.Digests;
using Vse.Build.Tests.Support;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Digests;

public sealed class ContentDigestTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Tree(string name, params (string Path, string Content)[] files)
    {
        var directory = temp.CreateDirectory(name);
        File.SetUnixFileMode(directory, TarBuilder.Mode755);
        foreach (var (path, content) in files)
        {
            var file = temp.WriteFile(Path.Combine(name, path), content);
            File.SetUnixFileMode(file, TarBuilder.Mode644);
            File.SetUnixFileMode(Path.GetDirectoryName(file)!, TarBuilder.Mode755);
        }

        return directory;
    }

    [Fact]
    public async Task A_file_digest_is_the_sha256_of_its_bytes()
    {
        var file = temp.WriteFile("abc", "abc");
        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", await ContentDigest.OfFileAsync(file));
        Assert.Equal(await ContentDigest.OfFileAsync(file), await ContentDigest.OfPathAsync(file));
    }

    [Fact]
    public async Task Equal_trees_have_equal_digests_whatever_their_creation_order_and_times()
    {
        var first = Tree("one", ("a/x", "1"), ("b", "2"), ("a/y", "3"));
        var second = Tree("two", ("b", "2"), ("a/y", "3"), ("a/x", "1"));
        File.SetLastWriteTimeUtc(Path.Combine(second, "b"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(await ContentDigest.OfTreeAsync(first), await ContentDigest.OfTreeAsync(second));
        Assert.Equal(await ContentDigest.OfTreeAsync(first), await ContentDigest.OfPathAsync(first));
    }

    [Fact]
    public async Task Content_mode_names_links_and_empty_directories_all_change_the_digest()
    {
        var tree = Tree("t", ("a", "1"), ("b", "2"));
        var digests = new List<string> { await ContentDigest.OfTreeAsync(tree) };

        File.WriteAllText(Path.Combine(tree, "a"), "changed");
        digests.Add(await ContentDigest.OfTreeAsync(tree));
        File.SetUnixFileMode(Path.Combine(tree, "a"), TarBuilder.Mode755);
        digests.Add(await ContentDigest.OfTreeAsync(tree));
        File.Move(Path.Combine(tree, "b"), Path.Combine(tree, "c"));
        digests.Add(await ContentDigest.OfTreeAsync(tree));
        File.CreateSymbolicLink(Path.Combine(tree, "l"), "a");
        digests.Add(await ContentDigest.OfTreeAsync(tree));
        File.Delete(Path.Combine(tree, "l"));
        File.CreateSymbolicLink(Path.Combine(tree, "l"), "c");
        digests.Add(await ContentDigest.OfTreeAsync(tree));
        Directory.CreateDirectory(Path.Combine(tree, "empty"));
        digests.Add(await ContentDigest.OfTreeAsync(tree));
        File.SetUnixFileMode(tree, TarBuilder.Mode755 | UnixFileMode.SetGroup);
        digests.Add(await ContentDigest.OfTreeAsync(tree));

        Assert.Equal(digests.Count, digests.Distinct().Count());
        Assert.All(digests, digest => Assert.Matches("^sha256:[0-9a-f]{64}$", digest));
    }

    [Fact]
    public async Task A_file_name_cannot_be_confused_with_the_record_around_it()
    {
        var first = Tree("one", ("a", "1"));
        var second = Tree("two", ("a", "1"));
        File.WriteAllText(Path.Combine(first, "x"), "");
        File.WriteAllText(Path.Combine(second, "x\nf"), "");
        Assert.NotEqual(await ContentDigest.OfTreeAsync(first), await ContentDigest.OfTreeAsync(second));
    }

    [Fact]
    public async Task Symlinks_inside_the_tree_are_not_followed()
    {
        var outside = Tree("outside", ("secret", "1"));
        var tree = Tree("t", ("a", "1"));
        File.CreateSymbolicLink(Path.Combine(tree, "out"), outside);
        var before = await ContentDigest.OfTreeAsync(tree);

        File.WriteAllText(Path.Combine(outside, "secret"), "2");

        Assert.Equal(before, await ContentDigest.OfTreeAsync(tree));
    }

    [SkippableFact]
    public async Task The_owner_changes_the_digest()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "changing a file's owner needs root");
        var tree = Tree("t", ("a", "1"));
        var before = await ContentDigest.OfTreeAsync(tree);
        File.SetUnixFileMode(tree, TarBuilder.Mode755);
        Assert.Equal(0, NodeOperations.SetOwner(Path.Combine(tree, "a"), 1000, 1000));
        Assert.NotEqual(before, await ContentDigest.OfTreeAsync(tree));
    }

    [Fact]
    public async Task A_missing_path_is_an_error() =>
        await Assert.ThrowsAnyAsync<IOException>(() => ContentDigest.OfPathAsync(temp.Combine("missing")));
}
