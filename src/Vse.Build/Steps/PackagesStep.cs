using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Layers;
using Vse.Description.Merge;

namespace Vse.Build.Steps;

/// <summary>
/// Installs the description's package set with apt inside the image
/// (<c>--no-install-recommends</c>), then drops apt's caches so the layer holds only the packages.
/// Names were checked against Debian's package-name rule when the description was read, and
/// reach apt as arguments, never as shell text.
/// </summary>
public sealed record PackagesStep(IReadOnlyList<string> Packages) : SandboxStep($"packages {string.Join(' ', Packages)}")
{
    // Constant; the package names follow as "$@".
    private const string Script = """
        set -eu
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 -- "$@"
        apt-get clean
        rm -rf /var/lib/apt/lists/*
        """;

    public override string Canonical => "{\"packages\":[" + string.Join(",", Packages.Select(CanonicalJson.Quote)) + "]}";

    protected override void CheckParent(string parentRootfs)
    {
        if (new ImageRoot(parentRootfs).TryGetStatus("/usr/bin/apt-get") is null)
        {
            throw new StepFailedException("the image has no apt-get: 'packages' needs a Debian-based os.base (debian:SUITE, or an archive of a Debian image)");
        }
    }

    protected override ImageCommand Command(StepContext context) => new(
        ["/bin/sh", "-c", Script, "vse-packages", .. Packages],
        "/",
        new Dictionary<string, string>
        {
            ["PATH"] = ImageCommand.DefaultPath,
            ["HOME"] = "/root",
            ["DEBIAN_FRONTEND"] = "noninteractive",
            ["LC_ALL"] = "C.UTF-8",
        },
        // apt fetches the packages. The step still has no CAP_NET_ADMIN or CAP_NET_RAW, and the
        // seccomp filter; what it can reach is what the host can (abstract unix sockets too).
        HostNetwork: true);
}
