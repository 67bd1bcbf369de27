using Vse.Host.Processes;
using Vse.Runtime.Host;

namespace Vse.Runtime.Tests.Host;

public sealed class HostIdentityTests
{
    [Fact]
    public void The_effective_uid_is_the_second_field_of_the_Uid_line()
    {
        Assert.Equal(1000u, HostIdentity.EffectiveUidOf("Name:\tvse\nUmask:\t0022\nUid:\t0\t1000\t0\t1000\nGid:\t0\t0\t0\t0\n"));
    }

    [Fact]
    public void A_status_without_a_Uid_line_is_an_error_not_uid_0()
    {
        Assert.Throws<InvalidDataException>(() => HostIdentity.EffectiveUidOf("Name:\tvse\n"));
        Assert.Throws<InvalidDataException>(() => HostIdentity.EffectiveUidOf("Uid:\t0\n"));
    }

    [Fact]
    public async Task This_process_is_seen_as_it_is()
    {
        var identity = await HostIdentity.ReadAsync(CancellationToken.None);

        Assert.Equal(Environment.IsPrivilegedProcess, identity.EffectiveUid == 0);
        Assert.Equal((await ExternalTool.RunAsync(ExternalTool.Require("uname", "coreutils"), ["-r"], CancellationToken.None)).Stdout.Trim(), identity.KernelRelease);
    }
}
