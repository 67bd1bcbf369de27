namespace Vse.Build.Tests.Exports;

/// <summary>Reads an ext4 image with debugfs and e2fsck, without mounting it.</summary>
internal static class Ext4Image
{
    public static async Task AssertHoldsSampleTreeAsync(string image, SampleTree tree)
    {
        await ToolOutput.RunAsync("e2fsck", "-fn", image);

        var root = await StatAsync(image, "/");
        Assert.Contains("Mode:  0750", root, StringComparison.Ordinal);
        var (uid, gid) = tree.RootIds;
        Assert.Matches($@"User:\s+{uid}\s+Group:\s+{gid}\b", root);
        Assert.Matches(@"Filesystem volume name:\s+vse\n", await ToolOutput.RunAsync("dumpe2fs", "-h", image));

        var listing = await ToolOutput.RunAsync("debugfs", "-R", "ls -l /", image);
        foreach (var name in new[] { "etc", "usr", "root", "empty", "long-link", "opt" })
        {
            Assert.Contains(" " + name, listing, StringComparison.Ordinal);
        }

        Assert.Contains("Mode:  04755", await StatAsync(image, "/usr/bin/tool"), StringComparison.Ordinal);
        Assert.Contains("Mode:  0600", await StatAsync(image, "/root/secret"), StringComparison.Ordinal);
        Assert.Contains("Mode:  0700", await StatAsync(image, "/empty"), StringComparison.Ordinal);
        Assert.Contains("Links: 2", await StatAsync(image, "/etc/hostname"), StringComparison.Ordinal);
        Assert.Contains("Fast link dest: \"hostname\"", await StatAsync(image, "/etc/motd"), StringComparison.Ordinal);
        Assert.Equal(SampleTree.LongLinkTarget + "\n", await ToolOutput.RunAsync("debugfs", "-R", "cat /long-link", image));
        Assert.Equal("sample\n", await ToolOutput.RunAsync("debugfs", "-R", "cat /etc/hostname.hard", image));
        Assert.Contains($"{SampleTree.UserXattr} (4) = \"kept\"", await ToolOutput.RunAsync("debugfs", "-R", "ea_list /etc/hostname", image), StringComparison.Ordinal);
        if (tree.Privileged)
        {
            Assert.Contains("security.capability (20)", await ToolOutput.RunAsync("debugfs", "-R", "ea_list /usr/bin/tool", image), StringComparison.Ordinal);
            Assert.Matches(@"User:\s+1234\s+Group:\s+1234\b", await StatAsync(image, "/owned"));
            Assert.Contains("Type: character special", await StatAsync(image, "/dev/null"), StringComparison.Ordinal);
        }
    }

    private static Task<string> StatAsync(string image, string path) => ToolOutput.RunAsync("debugfs", "-R", $"stat {path}", image);
}
