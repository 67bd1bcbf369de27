using System.Diagnostics;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Steps;
using Vse.Build.Tests.Support;
using Vse.Description.Model;

namespace Vse.Build.Tests.FileSystem;

/// <summary>
/// A copy source that is a device or a FIFO (issue 15, hole 6: <c>copy: /dev/zero</c> hashed
/// forever, a FIFO waited forever) is an error before anything reads it. Each call runs under a
/// deadline, so a regression fails instead of hanging.
/// </summary>
public sealed class SpecialCopySourceTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory temp = new();
    private readonly ImageRoot root;

    public SpecialCopySourceTests()
    {
        root = new ImageRoot(temp.CreateDirectory("rootfs"));
    }

    public void Dispose() => temp.Dispose();

    private string Fifo()
    {
        var path = temp.Combine("pipe");
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    // The location-free form is made as the build makes it: it must not read the device either.
    private static FilesStep CopyStep(string source)
    {
        var body = MapValue.Empty.With("copy", ScalarValue.Of(source)).With("to", ScalarValue.Of("/x"));
        return new(body, Vse.Description.Identity.LocationFreeForm.OfStep(body));
    }

    [Fact]
    public async Task Copying_dev_zero_into_an_image_is_refused_at_once()
    {
        var error = await Assert.ThrowsAsync<BuildInputException>(() => root.CopyInAsync("/dev/zero", "/x").WaitAsync(Deadline));
        Assert.Contains("character device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copying_a_fifo_into_an_image_is_refused_without_waiting_for_a_writer()
    {
        var error = await Assert.ThrowsAsync<BuildInputException>(() => root.CopyInAsync(Fifo(), "/x").WaitAsync(Deadline));
        Assert.Contains("FIFO", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symlink_to_a_device_named_as_the_source_is_refused_too()
    {
        var link = temp.Combine("zero");
        File.CreateSymbolicLink(link, "/dev/zero");

        await Assert.ThrowsAsync<BuildInputException>(() => root.CopyInAsync(link, "/x").WaitAsync(Deadline));
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("fifo")]
    public async Task The_cache_key_of_a_copy_step_is_not_computed_from_a_device_or_fifo(string source)
    {
        var step = CopyStep(source == "fifo" ? Fifo() : source);

        await Assert.ThrowsAsync<BuildInputException>(() => step.InputDigestAsync(CancellationToken.None).WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_fifo_inside_a_copied_tree_is_skipped_and_counted()
    {
        temp.WriteFile("tree/a", "a");
        var pipe = Path.Combine(temp.Combine("tree"), "pipe");
        using (var mkfifo = Process.Start("mkfifo", [pipe]))
        {
            mkfifo.WaitForExit();
        }

        var result = await root.CopyInAsync(temp.Combine("tree"), "/tree").WaitAsync(Deadline);

        Assert.Equal((1, 1), (result.Files, result.SkippedSpecialFiles));
        Assert.False(Path.Exists(root.HostPath + "/tree/pipe"));
    }
}
