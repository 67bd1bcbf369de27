using Vse.Host.FileSystem;

namespace Vse.Host.Tests.FileSystem;

/// <summary>The trash one-shot runs move their state directories into: one rename in, deleted later by whoever empties it.</summary>
public sealed class DiscardedTreesTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>A tree shaped as a run's state directory: overlayfs leaves work/work mode 000.</summary>
    private string StateDirectory(string name)
    {
        var directory = temp.CreateDirectory(name);
        temp.WriteFile($"{name}/config.json", "{}");
        temp.WriteFile($"{name}/upper/tmp/left", "by the command");
        temp.CreateDirectory($"{name}/rootfs");
        var work = temp.CreateDirectory($"{name}/work/work/incompat");
        File.SetUnixFileMode(Path.GetDirectoryName(work)!, 0);
        return directory;
    }

    [Fact]
    public void A_discarded_tree_is_moved_in_whole_under_a_new_name_and_emptying_deletes_it()
    {
        var trash = new DiscardedTrees(temp.Combine("trash"));
        var state = StateDirectory("state");

        Assert.True(trash.TryDiscard(state));

        Assert.False(Directory.Exists(state));
        var entry = Assert.Single(trash.Entries());
        Assert.NotEqual("state", Path.GetFileName(entry));
        Assert.True(File.Exists(Path.Combine(entry, "upper", "tmp", "left")));
        Assert.Equal(1, trash.Empty());
        Assert.Empty(trash.Entries());
        Assert.True(Directory.Exists(trash.Directory));
    }

    [Fact]
    public void The_trash_is_made_owner_only_and_two_discards_of_one_name_never_collide()
    {
        var trash = new DiscardedTrees(temp.Combine("trash"));

        Assert.True(trash.TryDiscard(StateDirectory("state")));
        Assert.True(trash.TryDiscard(StateDirectory("state")));

        Assert.Equal(2, trash.Entries().Count);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(trash.Directory));
    }

    [Fact]
    public void Emptying_stops_at_its_limit_and_the_rest_waits_for_the_next()
    {
        var trash = new DiscardedTrees(temp.Combine("trash"));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(trash.TryDiscard(StateDirectory($"state-{i}")));
        }

        Assert.Equal(2, trash.Empty(limit: 2));
        Assert.Single(trash.Entries());
        Assert.Equal(1, trash.Empty(limit: 2));
        Assert.Empty(trash.Entries());
    }

    [Fact]
    public void What_is_gone_is_not_discarded_and_a_trash_that_is_not_there_is_empty()
    {
        var trash = new DiscardedTrees(temp.Combine("trash"));

        Assert.False(trash.TryDiscard(temp.Combine("missing")));
        Assert.Empty(new DiscardedTrees(temp.Combine("never-made")).Entries());
        Assert.Equal(0, new DiscardedTrees(temp.Combine("never-made")).Empty());
    }

    [Fact]
    public void A_trash_that_is_a_symlink_is_never_followed_by_emptying()
    {
        var elsewhere = temp.CreateDirectory("elsewhere");
        var kept = temp.WriteFile("elsewhere/kept", "not trash");
        var link = temp.Combine("trash");
        Directory.CreateSymbolicLink(link, elsewhere);
        var trash = new DiscardedTrees(link);

        Assert.Empty(trash.Entries());
        Assert.Equal(0, trash.Empty());
        Assert.True(File.Exists(kept));
    }

    [Fact]
    public void Two_emptiers_at_once_delete_everything_once_and_neither_fails()
    {
        var trash = new DiscardedTrees(temp.Combine("trash"));
        for (var i = 0; i < 16; i++)
        {
            Assert.True(trash.TryDiscard(StateDirectory($"state-{i}")));
        }

        var counts = new int[2];
        Parallel.For(0, 2, i => counts[i] = new DiscardedTrees(trash.Directory).Empty());

        Assert.Empty(trash.Entries());
        Assert.Equal(16, counts.Sum());
    }

    [Fact]
    public void An_entry_an_emptier_claimed_and_left_is_not_a_runs_to_take_but_gcs()
    {
        var trash = new DiscardedTrees(temp.Combine("trash"));
        Assert.True(trash.TryDiscard(StateDirectory("state")));
        // What an emptier killed during its deletion leaves: the entry under a claimed name.
        var entry = Assert.Single(trash.Entries());
        Directory.Move(entry, Path.Combine(trash.Directory, "deleting-" + Path.GetFileName(entry)));

        Assert.Equal(0, trash.Empty());
        Assert.Single(trash.Entries());
        Assert.Equal(1, trash.Empty(abandoned: true));
        Assert.Empty(trash.Entries());
    }

    [Fact]
    public void Many_deleters_of_one_tree_at_once_all_succeed_and_leave_nothing()
    {
        for (var round = 0; round < 20; round++)
        {
            var tree = StateDirectory($"tree-{round}");
            for (var i = 0; i < 200; i++)
            {
                temp.WriteFile($"tree-{round}/upper/many/{i % 10}/{i % 3}/file-{i}", "x");
            }

            // Threads of their own, released together: each deleter walks the tree while the others delete in it.
            using var start = new Barrier(4);
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var deleters = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    TreeDeleter.Delete(tree);
                }
                catch (Exception e)
                {
                    failures.Add(e);
                }
            })).ToList();
            foreach (var deleter in deleters)
            {
                deleter.UnsafeStart();
            }

            foreach (var deleter in deleters)
            {
                deleter.Join();
            }

            Assert.Empty(failures);
            Assert.False(Directory.Exists(tree));
        }
    }

    [SkippableFact]
    public void A_mount_inside_a_discarded_tree_is_never_deleted_through_and_the_entry_stays()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: mounting a tmpfs on the host");
        var trash = new DiscardedTrees(temp.Combine("trash"));
        var state = StateDirectory("state");
        var rootfs = Path.Combine(state, "rootfs");
        PrivateTmpfs.Mount(rootfs);
        try
        {
            File.WriteAllText(Path.Combine(rootfs, "on-the-mount"), "kept");
            Assert.True(trash.TryDiscard(state));

            Assert.Equal(0, trash.Empty());

            var entry = Assert.Single(trash.Entries());
            Assert.True(File.Exists(Path.Combine(entry, "rootfs", "on-the-mount")));
            Assert.True(PrivateTmpfs.Unmount(Path.Combine(entry, "rootfs")));
        }
        finally
        {
            PrivateTmpfs.Unmount(rootfs);
        }
    }
}
