using Vse.Runtime.Drivers;
using Vse.Runtime.Tests.Support;

namespace Vse.Runtime.Tests.Drivers;

public sealed class PinnedMountsTests
{
    [Fact]
    public void A_pinned_source_is_this_process_descriptor_of_the_very_directory()
    {
        using var directory = new TempDirectory();
        var data = Directory.CreateDirectory(directory.Combine("data")).FullName;
        File.WriteAllText(Path.Combine(data, "file"), "content");

        using var pins = PinnedMounts.Open([new InstanceMount("/data", data, ReadOnly: true)]);

        var pinned = Assert.Single(pins.Mounts);
        Assert.StartsWith($"/proc/{Environment.ProcessId}/fd/", pinned.Source);
        Assert.Equal(("/data", true), (pinned.Target, pinned.ReadOnly));
        // The descriptor still names the directory after the path is taken away and replaced.
        Directory.Move(data, data + ".moved");
        Directory.CreateDirectory(data);
        Assert.Equal("content", File.ReadAllText(Path.Combine(pinned.Source, "file")));
    }

    [Theory]
    [InlineData("link-as-last")]
    [InlineData("link-in-the-middle")]
    public void A_symlink_anywhere_on_the_path_is_refused(string where)
    {
        using var directory = new TempDirectory();
        var real = Directory.CreateDirectory(directory.Combine("real/inner")).FullName;
        Directory.CreateSymbolicLink(directory.Combine("link"), directory.Combine("real"));
        var source = where == "link-as-last" ? directory.Combine("link") : directory.Combine("link/inner");

        var refused = Assert.Throws<MountSourceException>(() => PinnedMounts.Open([new InstanceMount("/data", source, ReadOnly: true)]));

        Assert.Contains("a symlink appeared on its path", refused.Message);
        Assert.True(Directory.Exists(real));
    }

    [Fact]
    public void A_missing_or_relative_source_is_refused_with_the_reason()
    {
        using var directory = new TempDirectory();

        var missing = Assert.Throws<MountSourceException>(() => PinnedMounts.Open([new InstanceMount("/data", directory.Combine("absent"), ReadOnly: true)]));
        var relative = Assert.Throws<MountSourceException>(() => PinnedMounts.Open([new InstanceMount("/data", "data", ReadOnly: true)]));

        Assert.Contains("does not exist", missing.Message);
        Assert.Contains("not an absolute path", relative.Message);
    }

    [Fact]
    public void Verification_accepts_the_pinned_object_at_the_target_and_refuses_any_other()
    {
        // This test's own process stands in for an instance: its root is the host's, so a target
        // names a host path, and what is there can be made to differ from the pinned source.
        using var directory = new TempDirectory();
        var source = Directory.CreateDirectory(directory.Combine("source")).FullName;
        var other = Directory.CreateDirectory(directory.Combine("other")).FullName;

        using (var same = PinnedMounts.Open([new InstanceMount(source, source, ReadOnly: true)]))
        {
            same.VerifyMountedIn(Environment.ProcessId);
        }

        using var swapped = PinnedMounts.Open([new InstanceMount(other, source, ReadOnly: true)]);
        var refused = Assert.Throws<MountSourceException>(() => swapped.VerifyMountedIn(Environment.ProcessId));
        Assert.Contains("the path changed after site policy checked it", refused.Message);
    }
}
