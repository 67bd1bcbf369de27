using Vse.Runtime.Host;

namespace Vse.Runtime.Tests.Host;

public sealed class UserNamespacesTests
{
    [Fact]
    public void A_probe_that_worked_decides_and_subordinate_ranges_are_mentioned()
    {
        var report = UserNamespaces.Assess(96364, null, null, (true, null), "/usr/bin/newuidmap", "/usr/bin/newgidmap");

        Assert.True(report.Available);
        Assert.Contains("newuidmap/newgidmap can map subordinate id ranges", report.Reason);
    }

    [Fact]
    public void Without_newuidmap_only_the_single_id_map_is_possible()
    {
        var report = UserNamespaces.Assess(96364, 1, null, (true, null), null, "/usr/bin/newgidmap");

        Assert.True(report.Available);
        Assert.Contains("single-id map only", report.Reason);
    }

    [Theory]
    [InlineData(0L, null, null, "user.max_user_namespaces is 0")]
    [InlineData(100L, 0, null, "kernel.unprivileged_userns_clone is 0")]
    [InlineData(100L, 1, 1, "kernel.apparmor_restrict_unprivileged_userns is 1")]
    public void A_forbidding_setting_is_named_as_the_reason(long max, int? clone, int? apparmor, string reason)
    {
        Assert.Equal(reason, UserNamespaces.Assess(max, clone, apparmor, null, null, null).Reason);
        var probed = UserNamespaces.Assess(max, clone, apparmor, (false, "unshare: unshare failed: Operation not permitted"), null, null);
        Assert.False(probed.Available);
        Assert.EndsWith(reason, probed.Reason);
    }

    [Fact]
    public void A_failed_probe_wins_over_permissive_settings()
    {
        var report = UserNamespaces.Assess(100, 1, null, (false, "unshare: unshare failed: Operation not permitted"), "/usr/bin/newuidmap", "/usr/bin/newgidmap");

        Assert.False(report.Available);
        Assert.Contains("Operation not permitted", report.Reason);
    }

    [Fact]
    public async Task On_this_machine_the_verdict_matches_a_real_unshare()
    {
        var unshare = Requirements.Tool("unshare");
        var identity = await HostIdentity.ReadAsync(CancellationToken.None);
        string[] command = identity.EffectiveUid == 0
            ? [Requirements.Tool("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups", "--", unshare, "--user", "--map-root-user", "true"]
            : [unshare, "--user", "--map-root-user", "true"];
        var real = await Vse.Host.Processes.ExternalTool.RunUncheckedAsync(command[0], command[1..], CancellationToken.None);

        var report = await UserNamespaces.InspectAsync(identity.EffectiveUid, CancellationToken.None);

        Assert.Equal(real.ExitCode == 0, report.Available);
        Assert.Equal(real.ExitCode == 0, report.ProbeWorked);
    }
}
