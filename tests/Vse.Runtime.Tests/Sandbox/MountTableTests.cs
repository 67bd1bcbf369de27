using Vse.Runtime.Sandbox;

namespace Vse.Runtime.Tests.Sandbox;

public sealed class MountTableTests
{
    [Fact]
    public async Task TheRootIsAMountPointAndATempDirectoryIsNot()
    {
        Assert.True(await MountTable.IsMountedAsync("/", CancellationToken.None));
        Assert.True(await MountTable.IsMountedAsync("/proc", CancellationToken.None));
        Assert.False(await MountTable.IsMountedAsync("/proc/self/no-such-dir-vse", CancellationToken.None));
    }
}
