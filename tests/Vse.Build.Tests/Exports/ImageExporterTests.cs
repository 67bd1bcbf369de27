using Vse.Build.Exports;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Exports;

/// <summary>What every format shares: the destination is replaced whole or left alone, and is never the tree.</summary>
public sealed class ImageExporterTests
{
    [SkippableFact]
    public async Task An_existing_file_is_replaced()
    {
        Requirements.Tool("tar");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("image.tar");
        await File.WriteAllTextAsync(output, "an old export");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Tar, output), CancellationToken.None);

        Assert.Contains("./etc/hostname", await ToolOutput.RunAsync("tar", "-tf", output), StringComparison.Ordinal);
        Assert.Empty(tree.Leftovers());
    }

    [SkippableFact]
    public async Task Missing_parent_directories_are_created()
    {
        Requirements.Tool("tar");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("out/nested/image.tar");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Tar, output), CancellationToken.None);

        Assert.True(File.Exists(output));
    }

    [Theory]
    [InlineData(ExportFormat.Tar, "image.tar")]
    [InlineData(ExportFormat.Dir, "copy")]
    [InlineData(ExportFormat.Oci, "etc/image")]
    public async Task A_destination_inside_the_tree_is_refused_before_anything_is_written(ExportFormat format, string inside)
    {
        using var tree = await SampleTree.CreateAsync();
        var before = TreeSnapshot.Take(tree.Root);
        var target = new ExportTarget(format, Path.Combine(tree.Root, inside));

        var error = await Assert.ThrowsAsync<InvalidExportTargetException>(
            () => ImageExporter.ExportAsync(tree.Root, SampleTree.Config, target, CancellationToken.None));

        Assert.Contains("overlaps the root filesystem", error.Message, StringComparison.Ordinal);
        TreeSnapshot.Take(tree.Root).AssertSameAs(before);
    }

    [Fact]
    public async Task A_destination_that_contains_the_tree_is_refused_and_the_tree_survives()
    {
        using var tree = await SampleTree.CreateAsync();
        var before = TreeSnapshot.Take(tree.Root);

        await Assert.ThrowsAsync<InvalidExportTargetException>(
            () => ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Dir, tree.Work.Path), CancellationToken.None));

        TreeSnapshot.Take(tree.Root).AssertSameAs(before);
    }

    [Fact]
    public async Task A_file_format_aimed_at_a_directory_is_refused_and_the_directory_kept()
    {
        using var tree = await SampleTree.CreateAsync();
        var directory = tree.Work.CreateDirectory("important");
        await File.WriteAllTextAsync(Path.Combine(directory, "keep"), "data");

        var error = await Assert.ThrowsAsync<InvalidExportTargetException>(
            () => ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Squashfs, directory), CancellationToken.None));

        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
        Assert.Equal("data", await File.ReadAllTextAsync(Path.Combine(directory, "keep")));
    }

    [Fact]
    public async Task A_missing_tree_is_an_error_naming_it()
    {
        using var work = new TempDirectory();
        var missing = work.Combine("no-such-rootfs");

        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(
            () => ImageExporter.ExportAsync(missing, SampleTree.Config, new ExportTarget(ExportFormat.Tar, work.Combine("x.tar")), CancellationToken.None));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_export_leaves_the_previous_result_alone()
    {
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("image.tar");
        await File.WriteAllTextAsync(output, "the previous export");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Tar, output), new CancellationToken(canceled: true)));

        Assert.Equal("the previous export", await File.ReadAllTextAsync(output));
        Assert.Empty(tree.Leftovers());
    }

    [Fact]
    public void Staged_output_that_is_never_committed_is_removed_and_the_destination_kept()
    {
        using var work = new TempDirectory();
        var destination = work.WriteFile("image", "complete");

        using (var staged = new StagedOutput(destination))
        {
            Directory.CreateDirectory(staged.TemporaryPath);
            File.WriteAllText(Path.Combine(staged.TemporaryPath, "half"), "written");
        }

        Assert.Equal("complete", File.ReadAllText(destination));
        Assert.Equal(["image"], Directory.EnumerateFileSystemEntries(work.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Committing_a_directory_replaces_the_old_one_and_removes_it()
    {
        using var work = new TempDirectory();
        var destination = work.CreateDirectory("layout");
        File.WriteAllText(Path.Combine(destination, "old"), "old");

        using (var staged = new StagedOutput(destination))
        {
            Directory.CreateDirectory(staged.TemporaryPath);
            File.WriteAllText(Path.Combine(staged.TemporaryPath, "new"), "new");
            staged.Commit();
        }

        Assert.Equal(["new"], Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName));
        Assert.Equal(["layout"], Directory.EnumerateFileSystemEntries(work.Path).Select(Path.GetFileName));
    }
}
