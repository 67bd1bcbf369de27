using Vse.Host.Processes;
using Vse.Runtime.Host;

namespace Vse.Runtime.Tests.Host;

public sealed class HostIdentityTests
{
    [Fact]
    public async Task This_process_is_seen_as_it_is()
    {
        var identity = await HostIdentity.ReadAsync(CancellationToken.None);

        Assert.Equal(Environment.IsPrivilegedProcess, identity.EffectiveUid == 0);
        Assert.Equal((await ExternalTool.RunAsync(ExternalTool.Require("uname", "coreutils"), ["-r"], CancellationToken.None)).Stdout.Trim(), identity.KernelRelease);
    }
}
