using System.Text.Json.Nodes;
using Vse.Build.Exports;

namespace Vse.Build.Tests.Exports;

public sealed class Qcow2ExportTests
{
    [SkippableFact]
    public async Task Disk_is_qcow2_of_the_estimated_size_and_holds_the_tree()
    {
        Requirements.Tool("mkfs.ext4");
        Requirements.Tool("qemu-img");
        using var tree = await SampleTree.CreateAsync();
        var output = tree.Output("disk.qcow2");

        await ImageExporter.ExportAsync(tree.Root, SampleTree.Config, new ExportTarget(ExportFormat.Qcow2, output), CancellationToken.None);

        var info = JsonNode.Parse(await ToolOutput.RunAsync("qemu-img", "info", "--output=json", output))!;
        Assert.Equal("qcow2", (string?)info["format"]);
        var expectedSize = Ext4Geometry.For(TreeUsage.Measure(tree.Root, CancellationToken.None)).SizeBytes;
        Assert.Equal(expectedSize, (long?)info["virtual-size"]);
        Assert.Empty(tree.Leftovers());

        var raw = tree.Output("back.raw");
        await ToolOutput.RunAsync("qemu-img", "convert", "-f", "qcow2", "-O", "raw", output, raw);
        await Ext4Image.AssertHoldsSampleTreeAsync(raw, tree);
    }
}
