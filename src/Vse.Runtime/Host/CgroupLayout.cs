using System.Text.Json.Serialization;

namespace Vse.Runtime.Host;

/// <summary>How the cgroup hierarchies are mounted; it decides which runtimes work (crun 1.8 refuses <see cref="Hybrid"/>).</summary>
public enum CgroupLayout
{
    /// <summary>No cgroup file system is mounted: no limits, no freezer.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>Only v1 hierarchies, one per controller (legacy).</summary>
    [JsonStringEnumMemberName("v1")]
    V1,

    /// <summary>v1 controllers plus an (empty) v2 hierarchy, usually at <c>/sys/fs/cgroup/unified</c>.</summary>
    [JsonStringEnumMemberName("hybrid")]
    Hybrid,

    /// <summary>The single v2 hierarchy (unified), at <c>/sys/fs/cgroup</c>.</summary>
    [JsonStringEnumMemberName("v2")]
    V2,
}
