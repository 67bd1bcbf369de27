using Vse.Host.Processes;

namespace Vse.Build.Rootless;

/// <summary>
/// vse's rootless build namespace: a user namespace (with a mount namespace of its own) in which
/// an ordinary user's build runs as root. Image id 0 is the user, image ids 1 to 65536 are the
/// user's subordinate ids (the layout podman's rootless storage uses), mapped by newuidmap and
/// newgidmap through <c>unshare --map-user=0 --map-users=START,1,65536</c>. Inside, every
/// root-path of the build works unchanged on a per-user store: mmdebstrap in root mode, overlays
/// (with <c>userxattr</c>), bwrap, chown to an image user, and exports that read owners back.
/// </summary>
public sealed record BuildNamespace(SubordinateRange Uids, SubordinateRange Gids)
{
    /// <summary>Image ids 1 to 65536 come from the subordinate range: every id a Debian system uses (nobody is 65534).</summary>
    public const uint MappedIds = 65536;

    /// <summary>
    /// This process runs as root of a user namespace whose root is an ordinary user: vse's
    /// rootless build namespace (or one like it), where the root paths of the build apply.
    /// </summary>
    public static bool IsInside => ProcessIdentity.IsRoot && !ProcessIdentity.IsHostRoot;

    /// <summary>Whether the invoking user can enter a build namespace here, and if not, the one-line reason with its fix.</summary>
    public static BuildNamespaceProbe Probe(string userName, uint uid) => Assess(
        userName, uid, SubordinateIds.ReadLines(SubordinateIds.UidFile), SubordinateIds.ReadLines(SubordinateIds.GidFile),
        ExternalTool.Find("newuidmap") is not null && ExternalTool.Find("newgidmap") is not null);

    /// <summary>The probe for this process's user.</summary>
    public static BuildNamespaceProbe ProbeCurrentUser() => Probe(Environment.UserName, ProcessIdentity.Current.Uid);

    public static BuildNamespaceProbe Assess(string userName, uint uid, IReadOnlyList<string> subuid, IReadOnlyList<string> subgid, bool hasIdMapTools)
    {
        if (!hasIdMapTools)
        {
            return new BuildNamespaceProbe(null, "newuidmap and newgidmap are missing (Debian package uidmap): as root, apt-get install uidmap");
        }

        var uids = SubordinateIds.Find(subuid, userName, uid, MappedIds);
        var gids = SubordinateIds.Find(subgid, userName, uid, MappedIds);
        if (uids is null || gids is null)
        {
            var missing = (uids, gids) switch
            {
                (null, null) => $"{SubordinateIds.UidFile} and {SubordinateIds.GidFile} have",
                (null, _) => $"{SubordinateIds.UidFile} has",
                _ => $"{SubordinateIds.GidFile} has",
            };
            var first = Math.Max(SubordinateIds.SuggestedStart(subuid), SubordinateIds.SuggestedStart(subgid));
            var range = $"{first}-{(ulong)first + MappedIds - 1}";
            return new BuildNamespaceProbe(null, $"{missing} no range of {MappedIds} ids for user {userName}: as root, usermod --add-subuids {range} --add-subgids {range} {userName}");
        }

        return new BuildNamespaceProbe(new BuildNamespace(uids, gids), null);
    }

    /// <summary>The <c>unshare</c> command line that runs <paramref name="command"/> as root of a new build namespace.</summary>
    public IReadOnlyList<string> EnterArguments(IReadOnlyList<string> command) =>
    [
        "--user", "--mount", "--propagation", "private",
        "--map-user=0", "--map-group=0",
        $"--map-users={Uids.Start},1,{MappedIds}", $"--map-groups={Gids.Start},1,{MappedIds}",
        "--setuid", "0", "--setgid", "0",
        "--", .. command,
    ];

    /// <summary>
    /// Why a step that needs root cannot run in this process: root and the build namespace can;
    /// an ordinary user outside it is told what the namespace lacks, or to build with <c>vse build</c>.
    /// </summary>
    public static string? WhyNotRoot(string what)
    {
        if (Environment.IsPrivilegedProcess)
        {
            return null;
        }

        var reason = ProbeCurrentUser().Problem ?? "build the description with `vse build`, which enters it, before deploying or running it";
        return $"{what} need root or vse's rootless build namespace: {reason}";
    }
}
