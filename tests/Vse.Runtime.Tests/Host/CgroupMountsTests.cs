using Vse.Runtime.Host;

namespace Vse.Runtime.Tests.Host;

public sealed class CgroupMountsTests
{
    // This machine's mount table (Debian 12 in a Firecracker VM), trimmed to the cgroup lines and two others.
    private const string Hybrid = """
        22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
        30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
        39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
        40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    // A systemd host with the unified hierarchy: one optional field ("shared:9") before the separator.
    private const string Unified = """
        25 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
        35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    // An old-style host: v1 only, one hierarchy holding two controllers.
    private const string Legacy = """
        30 22 0:27 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755
        33 30 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup rw,cpu,cpuacct
        34 30 0:31 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,pids
        """;

    [Fact]
    public void V1_controllers_with_a_v2_mount_beside_them_are_hybrid()
    {
        var report = CgroupMounts.Parse(Hybrid);

        Assert.Equal(CgroupLayout.Hybrid, report.Layout);
        Assert.Equal("/sys/fs/cgroup/unified", report.V2MountPoint);
        Assert.Equal(["cpu", "cpuacct", "freezer", "memory"], report.V1Controllers);
    }

    [Fact]
    public void A_single_cgroup2_mount_is_the_unified_layout()
    {
        var report = CgroupMounts.Parse(Unified);

        Assert.Equal(CgroupLayout.V2, report.Layout);
        Assert.Equal("/sys/fs/cgroup", report.V2MountPoint);
        Assert.Empty(report.V1Controllers);
    }

    [Fact]
    public void Only_v1_mounts_are_the_legacy_layout_and_mount_flags_are_not_controllers()
    {
        var report = CgroupMounts.Parse(Legacy);

        Assert.Equal(CgroupLayout.V1, report.Layout);
        Assert.Null(report.V2MountPoint);
        Assert.Equal(["cpu", "cpuacct", "pids"], report.V1Controllers);
    }

    [Fact]
    public void No_cgroup_mount_at_all_is_none_and_malformed_lines_are_skipped()
    {
        var report = CgroupMounts.Parse("22 1 253:0 / / rw - ext4 /dev/vda rw\nnot a mountinfo line\n\n");

        Assert.Equal(CgroupLayout.None, report.Layout);
    }

    [Fact]
    public void The_host_mount_is_preferred_over_a_longer_bind_mount_and_escapes_are_decoded()
    {
        var report = CgroupMounts.Parse("""
            90 80 0:37 / /run/a\040container/cgroup rw - cgroup2 cgroup2 rw
            40 30 0:37 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw
            """);
        Assert.Equal("/sys/fs/cgroup", report.V2MountPoint);

        Assert.Equal("/run/a container/cgroup", CgroupMounts.Parse("90 80 0:37 / /run/a\\040container/cgroup rw - cgroup2 cgroup2 rw").V2MountPoint);
    }

    [Fact]
    public async Task This_machine_reads_as_its_mount_table_says()
    {
        var mounts = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(" - ")[1].Split(' ')[0]).ToList();
        var expected = (mounts.Contains("cgroup"), mounts.Contains("cgroup2")) switch
        {
            (true, true) => CgroupLayout.Hybrid,
            (true, false) => CgroupLayout.V1,
            (false, true) => CgroupLayout.V2,
            _ => CgroupLayout.None,
        };

        var report = await CgroupMounts.ReadAsync(CancellationToken.None);

        Assert.Equal(expected, report.Layout);
        if (report.V2MountPoint is { } mount)
        {
            var controllers = File.ReadAllText(Path.Combine(mount, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(controllers.Order(StringComparer.Ordinal), report.V2Controllers);
        }
    }
}
