using Vse.Build.Reproducible;
using Vse.Build.Rootless;
using Vse.Build.Steps;
using Vse.Host.Processes;

namespace Vse.Build.Bases;

/// <summary>
/// <c>debian:SUITE</c>, made by mmdebstrap in <c>root</c> mode: as root, or as root of the
/// rootless build namespace (<see cref="BuildNamespace"/>), where mmdebstrap's own fallbacks
/// (/proc bind-mounted, no device nodes: bwrap gives each step a /dev) make it work and the
/// tree comes out owned as the store keeps rootless layers. (mmdebstrap's <c>unshare</c> mode
/// would map image root to the first subordinate id instead, another layout.) Its cache identity
/// is the archive's state (<see cref="DebianArchiveState"/>): the same archive gives the same
/// key, on any day; a new index in the archive gives a new one. The tree is made reproducible
/// at its source: <c>SOURCE_DATE_EPOCH</c> for mmdebstrap and dpkg, mmdebstrap's own
/// reproducibility clean-up, and the two files it copies from the building host replaced.
/// </summary>
/// <param name="archiveStatesDirectory">Where the archive's last state read is kept, for builds that cannot read it; null: nowhere.</param>
public sealed class DebianBase(BaseSpec spec, string? archiveStatesDirectory = null) : IBaseProvider
{
    /// <summary>
    /// The host files mmdebstrap copies into the tree for debootstrap's sake, which would make the
    /// base differ from one building host to the next (its manual, SOURCE_DATE_EPOCH): the host's
    /// resolver goes (build steps get the host's bound over it; it was never right for an
    /// instance elsewhere) and the host name is vse's, as the busybox base's is. Constant shell
    /// text; the tree's path reaches it as <c>$1</c>.
    /// </summary>
    public static IReadOnlyList<string> CustomizeHooks { get; } =
    [
        "rm -f \"$1/etc/resolv.conf\"",
        "echo vse > \"$1/etc/hostname\"",
    ];

    public async Task<string> IdentityAsync(CancellationToken cancellationToken)
    {
        var state = await DebianArchiveState.DigestOrRememberedAsync(
            DebianArchiveState.DistributionsOf(spec.Argument, spec.Mirror), archiveStatesDirectory, cancellationToken);
        return $"debian:{spec.Argument}:{spec.Variant}:{spec.Mirror ?? "default"}:{state}";
    }

    public async Task CreateAsync(string rootfs, Action<string>? onOutputLine, CancellationToken cancellationToken)
    {
        if (BuildNamespace.WhyNotRoot("debian bases") is { } reason)
        {
            throw new StepFailedException(reason);
        }

        var mmdebstrap = ExternalTool.Require("mmdebstrap", "mmdebstrap");
        List<string> arguments =
        [
            $"--variant={spec.Variant}",
            "--mode=root",
            "--format=directory",
            .. CustomizeHooks.Select(hook => "--customize-hook=" + hook),
            spec.Argument,
            rootfs,
        ];
        if (spec.Mirror is { } mirror)
        {
            arguments.Add(mirror);
        }

        // In root mode mmdebstrap mounts /proc, /sys and /dev inside the new tree; in a mount
        // namespace of its own, whatever it leaves mounted (killed, or racing another run)
        // goes away with it instead of staying in the host's table.
        var unshare = ExternalTool.Require("unshare", "util-linux");
        await ExternalTool.RunAsync(
            unshare, ["--mount", "--propagation", "private", "--", mmdebstrap, .. arguments], cancellationToken, onOutputLine,
            new Dictionary<string, string> { [ReproducibleTree.SourceDateEpoch.Key] = ReproducibleTree.SourceDateEpoch.Value });
    }
}
