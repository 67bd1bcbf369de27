using Vse.Host.FileSystem;

namespace Vse.Host.Tests.FileSystem;

/// <summary>
/// Whether the ordinary user behind vse's rootless build namespace may write a node, judged from
/// its owner and mode as seen inside (access(2) there answers for the namespace's root).
/// </summary>
public sealed class HostAccessTests
{
    [Theory]
    // The user's own (uid 0 inside): its owner write bit decides; a read-only copy is not writable.
    [InlineData(0u, 0x1ED, false, true)]   // 0755
    [InlineData(0u, 0x16D, false, false)]  // 0555
    [InlineData(0u, 0x124, false, false)]  // 0444
    // Host root and other unmapped owners show as 65534: only group or others' bits open them.
    [InlineData(65534u, 0x1ED, false, false)]  // 0755
    [InlineData(65534u, 0x1FD, false, true)]   // 0775
    [InlineData(65534u, 0x1EF, false, true)]   // 0757
    // A subordinate id (an image user): not the user.
    [InlineData(1000u, 0x1ED, false, false)]
    // An access ACL may grant the user: counted as writable.
    [InlineData(65534u, 0x1ED, true, true)]
    public void The_namespaces_owner_may_write_only_what_its_mode_or_an_acl_opens_to_it(uint uid, int mode, bool acl, bool writable) =>
        Assert.Equal(writable, HostAccess.IsWritableByNamespaceOwner(uid, (UnixFileMode)mode, acl));
}
