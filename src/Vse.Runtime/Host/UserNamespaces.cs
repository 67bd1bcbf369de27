using System.Globalization;
using Vse.Host.Processes;

namespace Vse.Runtime.Host;

/// <summary>
/// Can an unprivileged user create a user namespace? The kernel settings say whether it is
/// forbidden; a real <c>unshare --user</c> as an unprivileged user (uid 65534 through
/// <c>setpriv</c> when vse runs as root) says whether it works, which catches what the settings
/// do not (seccomp filters, LSM hooks).
/// </summary>
public static class UserNamespaces
{
    private const uint Nobody = 65534;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static async Task<UserNamespaceReport> InspectAsync(uint effectiveUid, CancellationToken cancellationToken)
    {
        var max = await ReadNumberAsync("/proc/sys/user/max_user_namespaces", cancellationToken);
        var clone = await ReadNumberAsync("/proc/sys/kernel/unprivileged_userns_clone", cancellationToken);
        var apparmor = await ReadNumberAsync("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", cancellationToken);
        var probe = await ProbeAsync(effectiveUid, cancellationToken);
        return Assess(max, (int?)clone, (int?)apparmor, probe, ExternalTool.Find("newuidmap"), ExternalTool.Find("newgidmap"));
    }

    /// <summary>The verdict from the facts; <paramref name="probe"/> is null when no probe ran, else its outcome and one-line error.</summary>
    public static UserNamespaceReport Assess(long? max, int? unprivilegedClone, int? appArmorRestricted, (bool Worked, string? Error)? probe, string? newUidMap, string? newGidMap)
    {
        var forbidden = max == 0 ? "user.max_user_namespaces is 0"
            : unprivilegedClone == 0 ? "kernel.unprivileged_userns_clone is 0"
            : appArmorRestricted == 1 ? "kernel.apparmor_restrict_unprivileged_userns is 1"
            : null;
        var (available, reason) = probe switch
        {
            { Worked: true } => (true, "an unprivileged user created one (unshare --user)"),
            { Worked: false } failed => (false, $"unshare --user as an unprivileged user failed: {forbidden ?? failed.Error}"),
            null when forbidden is not null => (false, forbidden),
            null => (true, "allowed by the kernel settings (not tried: setpriv or unshare missing)"),
        };
        var ranges = newUidMap is not null && newGidMap is not null
            ? "; newuidmap/newgidmap can map subordinate id ranges"
            : "; single-id map only (newuidmap/newgidmap not found, Debian package uidmap)";
        return new UserNamespaceReport(available, available ? reason + ranges : reason, max, unprivilegedClone, appArmorRestricted, probe?.Worked, newUidMap, newGidMap);
    }

    private static async Task<(bool Worked, string? Error)?> ProbeAsync(uint effectiveUid, CancellationToken cancellationToken)
    {
        var unshare = ExternalTool.Find("unshare");
        if (unshare is null)
        {
            return null;
        }

        string[] create = [unshare, "--user", "--map-root-user", "true"];
        string[]? command;
        if (effectiveUid != 0)
        {
            command = create;
        }
        else
        {
            // Root may always create one; the question is whether users may.
            var id = Nobody.ToString(CultureInfo.InvariantCulture);
            command = ExternalTool.Find("setpriv") is { } setpriv ? [setpriv, $"--reuid={id}", $"--regid={id}", "--clear-groups", "--", .. create] : null;
        }

        if (command is null)
        {
            return null;
        }

        var result = await HostCommand.RunAsync(command[0], command[1..], ProbeTimeout, cancellationToken);
        return result switch
        {
            null => (false, $"did not finish within {ProbeTimeout.TotalSeconds:0} s"),
            { ExitCode: 0 } => (true, null),
            _ => (false, HostCommand.LastLine(result)),
        };
    }

    private static async Task<long?> ReadNumberAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return long.TryParse((await File.ReadAllTextAsync(path, cancellationToken)).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
