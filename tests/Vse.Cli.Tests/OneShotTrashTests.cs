namespace Vse.Cli.Tests;

/// <summary>
/// A one-shot <c>vse run</c> on the runc path moves its state directory into <c>$VSE_HOME/trash</c>
/// when its command ends (one rename, not a dozen deletions while the user waits); the next run
/// empties the trash while runc starts, and <c>vse gc</c> empties what a killed run left there.
/// </summary>
public sealed class OneShotTrashTests
{
    private const string Tiny = """
        vse: 1
        name: apps/trash
        os: {base: busybox}
        """;

    [SkippableFact]
    public async Task A_run_leaves_its_state_in_the_trash_which_the_next_run_empties_and_nothing_in_run()
    {
        Requirements.Root();
        Requirements.Tool("runc");
        using var workspace = new Workspace();
        workspace.Write("once.vse.yaml", Tiny);
        Assert.Equal(0, (await workspace.RunAsync("build", "once.vse.yaml")).ExitCode);
        var trash = Path.Combine(workspace.VseHome, "trash");

        var first = await workspace.RunAsync("run", "once.vse.yaml", "--runtime", "runc", "--", "sh", "-c", "echo left > /tmp/by-the-command");

        Assert.True(first.ExitCode == 0, first.Stderr);
        var discarded = Assert.Single(Directory.GetDirectories(trash));
        Assert.Equal("left\n", File.ReadAllText(Path.Combine(discarded, "upper", "tmp", "by-the-command")));
        Assert.Equal(["runtime"], Directory.GetDirectories(Path.Combine(workspace.VseHome, "run")).Select(Path.GetFileName));
        Assert.DoesNotContain(" running ", (await workspace.RunAsync("ps")).Stdout);

        var second = await workspace.RunAsync("run", "once.vse.yaml", "--runtime", "runc", "--", "true");

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.False(Directory.Exists(discarded), "the first run's state was not emptied by the second run");
        Assert.Single(Directory.GetDirectories(trash));
        Assert.Equal(["runtime"], Directory.GetDirectories(Path.Combine(workspace.VseHome, "run")).Select(Path.GetFileName));
    }

    /// <summary>
    /// A vse killed after the rename and before any emptying leaves a trash entry: a whole state
    /// directory, overlayfs's mode-000 work directory included. gc removes it and counts it.
    /// </summary>
    [SkippableFact]
    public async Task Gc_empties_the_trash_a_killed_run_left()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        var entry = Path.Combine(workspace.VseHome, "trash", "0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(Path.Combine(entry, "upper", "tmp"));
        File.WriteAllText(Path.Combine(entry, "upper", "tmp", "left"), "by the command");
        Directory.CreateDirectory(Path.Combine(entry, "rootfs"));
        var work = Directory.CreateDirectory(Path.Combine(entry, "work", "work", "incompat")).FullName;
        File.SetUnixFileMode(Path.GetDirectoryName(work)!, 0);

        var gc = await workspace.RunAsync("gc");

        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.Matches("and [1-9]\\d* leftovers", gc.Stdout);
        Assert.False(Directory.Exists(entry));
    }
}
