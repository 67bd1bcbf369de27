using Vse.Description.Diagnostics;
using Vse.Description.Layers;

namespace Vse.Description.Policy;

/// <summary>The <c>policy:</c> block of one trusted layer (DESIGN §2.3).</summary>
/// <param name="AllowMounts">Null when the layer does not restrict mounts.</param>
/// <param name="AllowDrivers">Null when the layer does not restrict drivers.</param>
public sealed record PolicyRules(
    string LayerName,
    SourceLocation Location,
    IReadOnlyList<LockedPath> Locks,
    IReadOnlyList<Located<string>>? AllowMounts,
    IReadOnlyList<Located<string>>? AllowDrivers,
    IReadOnlyList<Located<string>> DenyPackages,
    IReadOnlyList<PolicyLimit> Limits)
{
    /// <summary>
    /// The <c>security.seccomp</c> relaxations this layer allows (only <c>unconfined</c>); null when
    /// it says nothing. Unlike mounts and drivers, a relaxation nobody allows is refused.
    /// </summary>
    public IReadOnlyList<Located<string>>? AllowSeccomp { get; init; }

    /// <summary>The capabilities descriptions may add (<c>security.capabilities</c>); null when this layer says nothing.</summary>
    public IReadOnlyList<Located<string>>? AllowCapabilities { get; init; }

    /// <summary>
    /// Globs of the host devices descriptions may ask for (<c>devices</c>); null when this layer says
    /// nothing. Like a relaxation, a device no layer allows is refused: a device reaches past the
    /// instance's namespaces into the host's hardware.
    /// </summary>
    public IReadOnlyList<Located<string>>? AllowDevices { get; init; }

    /// <summary>
    /// Where instances may take MPI from (<c>image</c>, <c>host</c>); null when this layer says
    /// nothing. Unlike devices, host MPI is allowed until a layer leaves <c>host</c> out: it binds
    /// the site's own libraries read-only, which every user of the host can read anyway.
    /// </summary>
    public IReadOnlyList<Located<string>>? AllowMpi { get; init; }
}

/// <summary>A locked path: its segments (map keys may contain dots, so the text alone is ambiguous) and its text.</summary>
public sealed record LockedPath(IReadOnlyList<string> Segments, string Text, SourceLocation Location);

/// <summary>An upper bound on a numeric value, e.g. <c>resources.cpus: 64</c>.</summary>
public sealed record PolicyLimit(string Path, long Maximum, SourceLocation Location);
