using Vse.Build.Layers;
using Vse.Build.Rootless;

namespace Vse.Build.Tests.Rootless;

public sealed class BuildNamespaceTests
{
    private static readonly string[] Ranges = ["alice:100000:65536", "# comment", "bob:165536:1000", "1003:231072:65536", "bob:300000:65536", "broken:line", "carol:x:65536"];

    [Fact]
    public void A_range_is_found_by_user_name_or_numeric_id()
    {
        Assert.Equal(new SubordinateRange(100000, 65536), SubordinateIds.Find(Ranges, "alice", 1001, 65536));
        Assert.Equal(new SubordinateRange(231072, 65536), SubordinateIds.Find(Ranges, "dave", 1003, 65536));
    }

    [Fact]
    public void A_range_too_small_for_the_image_ids_is_passed_over_for_the_next_one()
    {
        Assert.Equal(new SubordinateRange(300000, 65536), SubordinateIds.Find(Ranges, "bob", 1002, 65536));
    }

    [Fact]
    public void Malformed_lines_and_other_users_give_no_range()
    {
        Assert.Null(SubordinateIds.Find(Ranges, "carol", 1004, 1));
        Assert.Null(SubordinateIds.Find(Ranges, "broken", 1005, 1));
        Assert.Null(SubordinateIds.Find([], "alice", 1001, 1));
    }

    [Fact]
    public void The_suggested_start_lies_above_every_range_and_never_below_100000()
    {
        Assert.Equal(365536u, SubordinateIds.SuggestedStart(Ranges));
        Assert.Equal(100000u, SubordinateIds.SuggestedStart([]));
    }

    [Fact]
    public void A_user_with_both_ranges_and_the_tools_gets_a_namespace()
    {
        var probe = BuildNamespace.Assess("alice", 1001, Ranges, ["alice:500000:65536"], hasIdMapTools: true);
        Assert.Null(probe.Problem);
        Assert.Equal(new BuildNamespace(new SubordinateRange(100000, 65536), new SubordinateRange(500000, 65536)), probe.Namespace);
    }

    [Fact]
    public void Without_newuidmap_the_problem_names_the_package()
    {
        var probe = BuildNamespace.Assess("alice", 1001, Ranges, Ranges, hasIdMapTools: false);
        Assert.Null(probe.Namespace);
        Assert.Equal("newuidmap and newgidmap are missing (Debian package uidmap): as root, apt-get install uidmap", probe.Problem);
    }

    [Theory]
    [InlineData(false, false, "/etc/subuid and /etc/subgid have")]
    [InlineData(true, false, "/etc/subgid has")]
    [InlineData(false, true, "/etc/subuid has")]
    public void Without_a_range_the_problem_says_which_file_lacks_it_and_the_usermod_that_adds_one(bool hasUids, bool hasGids, string missing)
    {
        // Either way the highest range in the files ends at 465536, where the suggestion starts.
        string[] mine = ["erin:400000:65536"];
        string[] others = [.. Ranges, "frank:400000:65536"];
        var probe = BuildNamespace.Assess("erin", 1006, hasUids ? mine : others, hasGids ? mine : others, hasIdMapTools: true);
        Assert.Null(probe.Namespace);
        Assert.Equal($"{missing} no range of 65536 ids for user erin: as root, usermod --add-subuids 465536-531071 --add-subgids 465536-531071 erin", probe.Problem);
    }

    [Fact]
    public void Entering_maps_image_root_to_the_user_and_image_ids_from_1_to_the_subordinate_ranges()
    {
        var buildNamespace = new BuildNamespace(new SubordinateRange(100000, 65536), new SubordinateRange(200000, 70000));
        Assert.Equal(
            [
                "--user", "--mount", "--propagation", "private", "--map-user=0", "--map-group=0",
                "--map-users=100000,1,65536", "--map-groups=200000,1,65536", "--setuid", "0", "--setgid", "0", "--", "vse", "build", "a b.yaml",
            ],
            buildNamespace.EnterArguments(["vse", "build", "a b.yaml"]));
    }

    [SkippableFact]
    public void The_host_root_mounts_overlays_without_userxattr()
    {
        Requirements.Root();
        Skip.If(BuildNamespace.IsInside, "runs in a user namespace");
        Assert.Equal("nodev,nosuid,lowerdir=/l,upperdir=/u,workdir=/w", OverlaySandbox.OverlayOptions("/l", "/u", "/w"));
    }
}
