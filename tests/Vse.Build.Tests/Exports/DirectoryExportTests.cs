using Vse.Build.Exports;

namespace Vse.Build.Tests.Exports;

public sealed class DirectoryExportTests
{
    [SkippableFact]
    public async Task Copy_keeps_owners_modes_links_devices_and_times()
    {
        Requirements.Tool("cp");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("copy");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Dir, output), CancellationToken.None);

        TreeSnapshot.Take(output).AssertSameAs(TreeSnapshot.Take(tree.Root));
        Assert.Empty(tree.Leftovers());
    }

    [SkippableFact]
    public async Task Replaces_an_existing_directory_entirely()
    {
        Requirements.Tool("cp");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("copy");
        Directory.CreateDirectory(Path.Combine(output, "stale"));
        File.WriteAllText(Path.Combine(output, "etc"), "a file where the tree has a directory");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Dir, output), CancellationToken.None);

        TreeSnapshot.Take(output).AssertSameAs(TreeSnapshot.Take(tree.Root));
        Assert.Empty(tree.Leftovers());
    }
}
