using System.Diagnostics;
using Vse.Build.Digests;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Digests;

/// <summary>
/// A content digest never reads a device or FIFO (issue 15, hole 6): <c>tar:/dev/zero</c> as a
/// base hashed forever, as <c>copy: /dev/zero</c> did. Under a deadline, so a regression fails.
/// </summary>
public sealed class SpecialFileDigestTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_digest_of_dev_zero_is_refused_at_once() =>
        await Assert.ThrowsAsync<BuildInputException>(() => ContentDigest.OfPathAsync("/dev/zero").WaitAsync(Deadline));

    [Fact]
    public async Task The_digest_of_a_fifo_is_refused_without_waiting_for_a_writer()
    {
        var pipe = temp.Combine("pipe");
        using (var mkfifo = Process.Start("mkfifo", [pipe]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        await Assert.ThrowsAsync<BuildInputException>(() => ContentDigest.OfFileAsync(pipe).WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_missing_file_is_still_reported_as_missing() =>
        await Assert.ThrowsAsync<FileNotFoundException>(() => ContentDigest.OfFileAsync(temp.Combine("missing")));
}
