using Vse.Build.Rootless;
using Vse.Build.Steps;
using Vse.Host.Processes;

namespace Vse.Build.Bases;

/// <summary>
/// <c>debian:SUITE</c>, made by mmdebstrap in <c>root</c> mode: as root, or as root of the
/// rootless build namespace (<see cref="BuildNamespace"/>), where mmdebstrap's own fallbacks
/// (/proc bind-mounted, no device nodes: bwrap gives each step a /dev) make it work and the
/// tree comes out owned as the store keeps rootless layers. (mmdebstrap's <c>unshare</c> mode
/// would map image root to the first subordinate id instead, another layout.) The archive
/// changes from day to day and mmdebstrap cannot pin it without a snapshot mirror, so the cache
/// identity includes the UTC date: a Debian base is rebuilt at most once a day, and the lock file records what it got.
/// Give <c>os.mirror</c> a snapshot.debian.org URL to pin it for good.
/// </summary>
public sealed class DebianBase(BaseSpec spec, TimeProvider clock) : IBaseProvider
{
    public Task<string> IdentityAsync(CancellationToken cancellationToken)
    {
        var pinned = spec.Mirror?.Contains("snapshot.debian.org", StringComparison.Ordinal) == true;
        var day = pinned ? "pinned" : clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return Task.FromResult($"debian:{spec.Argument}:{spec.Variant}:{spec.Mirror ?? "default"}:{day}");
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
        await ExternalTool.RunAsync(unshare, ["--mount", "--propagation", "private", "--", mmdebstrap, .. arguments], cancellationToken, onOutputLine);
    }
}
