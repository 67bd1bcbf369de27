using Vse.Host.Processes;
using Vse.Runtime.Host;

namespace Vse.Runtime.Tests.Host;

public sealed class HostCommandTests
{
    [Theory]
    [InlineData("crun version 1.8.1\ncommit: f8a096be\n", "1.8.1")]
    [InlineData("runc version 1.1.5+ds1\nspec: 1.0.2-dev\n", "1.1.5+ds1")]
    [InlineData("mksquashfs version 4.5.1 (2022/03/17)\n", "4.5.1")]
    [InlineData("mke2fs 1.47.0 (5-Feb-2023)\n\tUsing EXT2FS Library version 1.47.0\n", "1.47.0")]
    [InlineData("unshare from util-linux 2.38.1\n", "2.38.1")]
    [InlineData("Version: 3.17.1\n", "3.17.1")]
    [InlineData("usage: newuidmap <pid> <uid>\n", null)]
    public void The_first_version_number_is_the_version(string output, string? version)
    {
        Assert.Equal(version, HostCommand.VersionIn(output));
    }

    [Fact]
    public async Task A_command_that_outlives_its_limit_is_killed_and_reported_as_null()
    {
        var started = DateTime.UtcNow;

        var result = await HostCommand.RunAsync(ExternalTool.Require("sleep", "coreutils"), ["30"], TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Null(result);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_mistaken_for_a_timeout()
    {
        using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            HostCommand.RunAsync(ExternalTool.Require("sleep", "coreutils"), ["30"], TimeSpan.FromSeconds(20), cancelled.Token));
    }
}
