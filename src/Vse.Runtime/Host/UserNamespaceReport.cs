namespace Vse.Runtime.Host;

/// <summary>Whether an unprivileged user can create a user namespace (rootless builds and sandboxes need one).</summary>
/// <param name="Available">The verdict: by the probe where one ran, else by the kernel settings.</param>
/// <param name="Reason">The verdict in words, naming what decided it.</param>
/// <param name="MaxUserNamespaces"><c>/proc/sys/user/max_user_namespaces</c>; 0 forbids them.</param>
/// <param name="UnprivilegedClone"><c>kernel.unprivileged_userns_clone</c> (Debian/Ubuntu kernels only); null where absent.</param>
/// <param name="AppArmorRestricted"><c>kernel.apparmor_restrict_unprivileged_userns</c> (Ubuntu 23.10+); null where absent.</param>
/// <param name="ProbeWorked">Whether <c>unshare --user --map-root-user true</c>, run as an unprivileged user, worked; null when it could not be run.</param>
/// <param name="NewUidMap">newuidmap, which maps a whole subordinate id range (/etc/subuid); without it only the single-id map is possible.</param>
public sealed record UserNamespaceReport(
    bool Available,
    string Reason,
    long? MaxUserNamespaces,
    int? UnprivilegedClone,
    int? AppArmorRestricted,
    bool? ProbeWorked,
    string? NewUidMap,
    string? NewGidMap);
