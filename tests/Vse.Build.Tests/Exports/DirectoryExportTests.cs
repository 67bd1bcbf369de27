using System.Text.RegularExpressions;
using Vse.Build.Exports;

namespace Vse.Build.Tests.Exports;

public sealed partial class DirectoryExportTests
{
    [Fact]
    public async Task Copy_keeps_owners_modes_links_and_times_and_leaves_out_what_is_unsafe_on_the_host()
    {
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("copy");

        var result = await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Dir, output), CancellationToken.None);

        TreeSnapshot.Take(output).AssertSameAs(AsDirectoryExport(TreeSnapshot.Take(tree.Root)));
        Assert.Equal(new ExportResult(tree.Privileged ? 1 : 0, 0, 1, tree.Privileged ? 1 : 0), result);
        Assert.Empty(tree.Leftovers());
    }

    [Fact]
    public async Task Replaces_an_existing_directory_entirely()
    {
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("copy");
        Directory.CreateDirectory(Path.Combine(output, "stale"));
        File.WriteAllText(Path.Combine(output, "etc"), "a file where the tree has a directory");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Dir, output), CancellationToken.None);

        TreeSnapshot.Take(output).AssertSameAs(AsDirectoryExport(TreeSnapshot.Take(tree.Root)));
        Assert.Empty(tree.Leftovers());
    }

    /// <summary>
    /// The sample tree as a dir export must give it: no device node, the set-user-ID bit of
    /// usr/bin/tool cleared and its file capability dropped; everything else as it is.
    /// </summary>
    private static TreeSnapshot AsDirectoryExport(TreeSnapshot original)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, description) in original.Entries)
        {
            if (description.StartsWith("CharacterDevice", StringComparison.Ordinal) || description.StartsWith("BlockDevice", StringComparison.Ordinal))
            {
                continue;
            }

            var withoutCapability = CapabilityXattr().Replace(description, "");
            entries[path] = path == "usr/bin/tool" ? withoutCapability.Replace("file 4755 ", "file 0755 ", StringComparison.Ordinal) : withoutCapability;
        }

        return new TreeSnapshot(entries, original.HardLinkGroups);
    }

    [GeneratedRegex(" security\\.capability=[0-9a-f]*")]
    private static partial Regex CapabilityXattr();
}
