using Vse.Runtime.Drivers;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// What every instance of one launch shares: its environment, mounts, cgroup hierarchies and
/// first process. Passed to the launcher as arguments (never through a shell).
/// </summary>
internal sealed record LaunchShape(
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<InstanceMount> Mounts,
    IReadOnlyList<string> CgroupRoots,
    IReadOnlyList<string> Argv)
{
    public static LaunchShape Of(InstanceSpec spec, IReadOnlyList<string> cgroupRoots) =>
        new(spec.Env, spec.Mounts, cgroupRoots, SandboxDriver.InitArgs(spec.Services));

    /// <summary>True when <paramref name="spec"/> can join a launch of this shape.</summary>
    public bool Fits(InstanceSpec spec) =>
        spec.Env.Count == Env.Count && spec.Env.All(e => Env.TryGetValue(e.Key, out var v) && v == e.Value)
        && spec.Mounts.SequenceEqual(Mounts)
        && SandboxDriver.InitArgs(spec.Services).SequenceEqual(Argv);

    public IEnumerable<string> Arguments()
    {
        yield return "--hold";
        foreach (var mount in Mounts)
        {
            yield return mount.ReadOnly ? "--bind" : "--bind-rw";
            yield return $"{Path.GetFullPath(mount.Source)}:{mount.Target}";
        }

        foreach (var root in CgroupRoots)
        {
            yield return "--cgroup-root";
            yield return root;
        }

        foreach (var (key, value) in Env)
        {
            yield return "--env";
            yield return $"{key}={value}";
        }

        yield return "--";
        foreach (var argument in Argv)
        {
            yield return argument;
        }
    }
}
