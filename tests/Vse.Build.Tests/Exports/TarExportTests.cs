using Vse.Build.Exports;
using Vse.Build.Reproducible;

namespace Vse.Build.Tests.Exports;

public sealed class TarExportTests
{
    [SkippableFact]
    public async Task Archive_lists_numeric_owners_modes_and_links_under_dot_slash_names()
    {
        Requirements.Tool("tar");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("image.tar");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Tar, output), CancellationToken.None);

        var listing = (await ToolOutput.RunAsync("tar", "--numeric-owner", "-tvf", output)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var names = listing.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5]).ToList();
        Assert.All(names, name => Assert.StartsWith("./", name, StringComparison.Ordinal));
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains(listing, line => line.StartsWith($"drwxr-x--- {tree.RootOwner} ", StringComparison.Ordinal) && line.EndsWith(" ./", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith("-rwsr-xr-x ", StringComparison.Ordinal) && line.EndsWith(" ./usr/bin/tool", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith("-rw------- ", StringComparison.Ordinal) && line.EndsWith(" ./root/secret", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith("drwx------ ", StringComparison.Ordinal) && line.EndsWith(" ./empty/", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith('l') && line.EndsWith(" ./etc/motd -> hostname", StringComparison.Ordinal));
        Assert.Contains(listing, line => line.StartsWith('h') && line.EndsWith(" ./etc/hostname.hard link to ./etc/hostname", StringComparison.Ordinal));
        if (tree.Privileged)
        {
            Assert.Contains(listing, line => line.StartsWith("-rw-r--r-- 1234/1234 ", StringComparison.Ordinal) && line.EndsWith(" ./owned", StringComparison.Ordinal));
            Assert.Contains(listing, line => line.StartsWith("crw-rw-rw- 0/0 ", StringComparison.Ordinal) && line.EndsWith(" ./dev/null", StringComparison.Ordinal));
        }
    }

    [SkippableFact]
    public async Task Extracting_the_archive_gives_back_the_tree()
    {
        Requirements.Tool("tar");
        Requirements.Root();
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("image.tar");
        var extracted = tree.Work.CreateDirectory("extracted");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Tar, output), CancellationToken.None);
        await ToolOutput.RunAsync("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-xpf", output, "-C", extracted);

        TreeSnapshot.Take(extracted).AssertSameAs(TreeSnapshot.Take(tree.Root).WithTimesClampedTo(ReproducibleTree.Epoch));
    }

    [SkippableFact]
    public async Task Overlayfs_private_xattrs_stay_out_of_the_archive_and_vse_reads_it_back()
    {
        Requirements.Tool("tar");
        Requirements.Root(); // trusted.* xattrs
        using var tree = await SampleTree.CreateAsync();
        // What a step's upper directory keeps after a copy-up: a binary file handle, here with a newline byte.
        Xattrs.Set(Path.Combine(tree.Root, "etc/hostname"), "trusted.overlay.origin", [0x00, 0xfb, 0x0a, 0x00, 0x01]);
        var output = tree.Output("image.tar");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Tar, output), CancellationToken.None);

        var entries = new List<string>();
        await using (var file = File.OpenRead(output))
        await using (var reader = new System.Formats.Tar.TarReader(file))
        {
            while (await reader.GetNextEntryAsync(cancellationToken: CancellationToken.None) is { } entry)
            {
                var attributes = entry is System.Formats.Tar.PaxTarEntry pax ? pax.ExtendedAttributes.Keys : [];
                Assert.DoesNotContain(attributes, key => key.Contains(".overlay.", StringComparison.Ordinal));
                entries.Add(entry.Name);
            }
        }

        Assert.Contains("./etc/hostname", entries);
    }

    [SkippableFact]
    public async Task Two_exports_of_one_tree_are_identical_bytes()
    {
        Requirements.Tool("tar");
        using var tree = await SampleTree.CreateAsync();
        var first = tree.Output("first.tar");
        var second = tree.Output("second.tar");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Tar, first), CancellationToken.None);
        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Tar, second), CancellationToken.None);

        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));
    }
}
