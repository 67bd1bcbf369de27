using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Layers;
using Vse.Build.Locks;
using Vse.Build.Reproducible;
using Vse.Description.Merge;

namespace Vse.Build.Steps;

/// <summary>
/// Installs the description's package set with apt inside the image
/// (<c>--no-install-recommends</c>), then drops apt's caches so the layer holds only the packages.
/// Names were checked against Debian's package-name rule when the description was read, and
/// reach apt as arguments, never as shell text.
/// </summary>
/// <param name="Pins">
/// With <c>vse build --locked</c>: every package of the lock file is installed at its recorded
/// version (<c>NAME=VERSION</c>, downgrades allowed), the description's own packages among
/// them; when the archive lacks some, the step fails naming all of them before installing anything.
/// </param>
public sealed record PackagesStep(IReadOnlyList<string> Packages, PackagePins? Pins = null)
    : SandboxStep(string.Join(' ', ["packages", .. Packages, .. Pins is null ? Array.Empty<string>() : [$"(locked: {Pins.Versions.Count} versions)"]]))
{
    // Constant; the package names follow as "$@".
    private const string Script = """
        set -eu
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 -- "$@"
        apt-get clean
        rm -rf /var/lib/apt/lists/*
        """;

    // Constant; the NAME=VERSION pins follow as "$@". apt-cache show takes NAME=VERSION too, but
    // (apt 2.6) exits 0 with no output for a version the archive lacks: the output is what counts.
    private const string LockedScript = """
        set -eu
        apt-get update -qq
        missing=""
        for pin in "$@"; do
          [ -n "$(apt-cache show -- "$pin" 2>/dev/null)" ] || missing="$missing $pin"
        done
        if [ -n "$missing" ]; then
          echo "the archive has not these locked versions:$missing" >&2
          exit 100
        fi
        apt-get install -y -qq --no-install-recommends --allow-downgrades -o Dpkg::Use-Pty=0 -- "$@"
        apt-get clean
        rm -rf /var/lib/apt/lists/*
        """;

    public override string Canonical => "{\"packages\":[" + string.Join(",", Packages.Select(CanonicalJson.Quote)) + "]"
        + (Pins is null ? "" : ",\"locked\":[" + string.Join(",", Pins.AptArguments.Select(CanonicalJson.Quote)) + "]") + "}";

    protected override void CheckParent(string parentRootfs)
    {
        if (new ImageRoot(parentRootfs).TryGetStatus("/usr/bin/apt-get") is null)
        {
            throw new StepFailedException("the image has no apt-get: 'packages' needs a Debian-based os.base (debian:SUITE, or an archive of a Debian image)");
        }
    }

    protected override ImageCommand Command(StepContext context) => new(
        Pins is null ? ["/bin/sh", "-c", Script, "vse-packages", .. Packages] : ["/bin/sh", "-c", LockedScript, "vse-packages", .. Pins.AptArguments],
        "/",
        new Dictionary<string, string>
        {
            ["PATH"] = ImageCommand.DefaultPath,
            ["HOME"] = "/root",
            ["DEBIAN_FRONTEND"] = "noninteractive",
            ["LC_ALL"] = "C.UTF-8",
            [ReproducibleTree.SourceDateEpoch.Key] = ReproducibleTree.SourceDateEpoch.Value,
        },
        // apt fetches the packages. The step still has no CAP_NET_ADMIN or CAP_NET_RAW, and the
        // seccomp filter; what it can reach is what the host can (abstract unix sockets too).
        HostNetwork: true);
}
