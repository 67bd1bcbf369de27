using Vse.Build.Exports;

namespace Vse.Build.Tests.Exports;

public sealed class ExportTargetTests
{
    [Theory]
    [InlineData("dir:/srv/rootfs", ExportFormat.Dir, "/srv/rootfs")]
    [InlineData("tar:/tmp/x.tar", ExportFormat.Tar, "/tmp/x.tar")]
    [InlineData("oci:out/image", ExportFormat.Oci, "out/image")]
    [InlineData("squashfs:/sw/env.sqfs", ExportFormat.Squashfs, "/sw/env.sqfs")]
    [InlineData("ext4:disk.img", ExportFormat.Ext4, "disk.img")]
    [InlineData("qcow2:/var/lib/vm.qcow2", ExportFormat.Qcow2, "/var/lib/vm.qcow2")]
    [InlineData("SquashFS:/x", ExportFormat.Squashfs, "/x")]
    [InlineData("oci:/images/a:b", ExportFormat.Oci, "/images/a:b")]
    public void Parses_every_format_and_keeps_the_path_after_the_first_colon(string text, ExportFormat format, string path)
    {
        Assert.True(ExportTarget.TryParse(text, out var target, out var error), error);
        Assert.Equal(new ExportTarget(format, path), target);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("zip:/tmp/x.zip", "unknown output format 'zip'")]
    [InlineData("3:/tmp/x", "unknown output format '3'")]
    [InlineData("tar,oci:/tmp/x", "unknown output format 'tar,oci'")]
    [InlineData("/tmp/x.tar", "is not FORMAT:PATH")]
    [InlineData(":/tmp/x.tar", "names no format")]
    [InlineData("tar:", "empty path")]
    [InlineData("tar:   ", "empty path")]
    [InlineData("tar:/tmp/\0x", "NUL")]
    public void Refuses_malformed_targets_with_a_clear_reason(string text, string expected)
    {
        Assert.False(ExportTarget.TryParse(text, out var target, out var error));
        Assert.Null(target);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_format_error_lists_the_formats()
    {
        ExportTarget.TryParse("zip:/x", out _, out var error);

        Assert.Contains("dir, tar, oci, squashfs, ext4, qcow2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Prints_as_it_is_written_on_the_command_line()
    {
        Assert.Equal("squashfs:/sw/env.sqfs", new ExportTarget(ExportFormat.Squashfs, "/sw/env.sqfs").ToString());
    }
}
