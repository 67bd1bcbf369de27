using Vse.Runtime.Drivers;

namespace Vse.Runtime.Tests.Support;

internal static class SampleSpecs
{
    public static InstanceSpec Spec(
        string rootfs = "/srv/config/rootfs",
        string stateDirectory = "/srv/state/i0",
        NetworkMode network = NetworkMode.None,
        int? cpus = 2,
        long? memory = 268_435_456,
        IReadOnlyList<InstanceMount>? mounts = null,
        string id = "dep-0") =>
        new(
            id,
            id,
            rootfs,
            stateDirectory,
            new Dictionary<string, string> { ["PATH"] = "/bin:/usr/bin", ["TZ"] = "UTC" },
            mounts ?? [],
            cpus,
            memory,
            network,
            []);
}
