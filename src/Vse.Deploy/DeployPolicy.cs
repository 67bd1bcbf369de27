using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Runtime.Drivers;

namespace Vse.Deploy;

/// <summary>
/// The deploy-time policy check of DESIGN §2.3: the description is checked again against the
/// site's policy files as they are now (not as they were at build time), and the driver against
/// <c>allow.drivers</c>. What the command line sets in place of the description
/// (<c>--instances</c>, <c>--per-node</c>) is checked as if the description had set it: a site
/// limit on <c>deploy.instances</c> binds <c>vse deploy -n</c> too. The site's policy is that of
/// the site-wide policy file and of each trusted layer (<see cref="SitePolicyLoader"/>), so a
/// description that extends nothing is held to the site-wide rules here as at resolve. Keys no
/// driver applies yet (<see cref="UnsupportedKeys"/>) are refused here, the gate every deployment passes.
/// </summary>
public static class DeployPolicy
{
    /// <summary>
    /// The description's mounts as the drivers get them, checked against site policy after the
    /// build and right before instances start: each source canonicalised once (symlinks resolved),
    /// that exact path checked against <c>allow.mounts</c>, and that exact path handed on. Drivers
    /// then refuse a path that has grown a symlink since (<see cref="PinnedMounts"/>), so what is
    /// mounted is what was checked, even when a directory is swapped for a link during the build.
    /// </summary>
    public static MountGrant GrantMounts(ResolvedDescription resolved, string siteDirectory, string driver)
    {
        var granted = new List<InstanceMount>();
        var content = resolved.Content;
        if (content["mounts"] is MapValue mounts)
        {
            var canonicalMounts = MapValue.Empty;
            foreach (var (target, entry) in mounts.Entries)
            {
                var map = entry as MapValue ?? MapValue.Empty;
                var source = (map["source"] as ScalarValue)?.AsString;
                if (source is null)
                {
                    continue;
                }

                var canonical = HostPaths.Canonicalize(source);
                var readOnly = (map["mode"] as ScalarValue)?.AsString != "rw";
                granted.Add(new InstanceMount(target, canonical, readOnly));
                canonicalMounts = canonicalMounts.With(target, map.With("source", ScalarValue.Of(canonical)));
            }

            content = content.With("mounts", canonicalMounts);
        }

        var (policy, diagnostics) = SitePolicyLoader.Load(resolved.Layers.Select(l => l.File), siteDirectory);
        var fallback = SourceLocation.StartOf(resolved.Layers[^1].File);
        SourceLocation Locate(string path) => resolved.Provenance.LastWrite(path)?.Location ?? fallback;
        return new MountGrant(granted, [.. diagnostics, .. PolicyChecker.Check(content, policy, Locate), .. PolicyChecker.CheckDriver(driver, policy, Locate("deploy.driver"))]);
    }

    public static IReadOnlyList<Diagnostic> Recheck(
        ResolvedDescription resolved, string siteDirectory, string driver, int? instances = null, int? perNode = null)
    {
        var (policy, diagnostics) = SitePolicyLoader.Load(resolved.Layers.Select(l => l.File), siteDirectory);
        var fallback = SourceLocation.StartOf(resolved.Layers[^1].File);
        SourceLocation Locate(string path) => resolved.Provenance.LastWrite(path)?.Location ?? fallback;
        var deploy = resolved.Content["deploy"] as MapValue ?? MapValue.Empty;
        deploy = instances is { } n ? deploy.With("instances", ScalarValue.Of(n)) : deploy;
        deploy = perNode is { } k ? deploy.With("per_node", ScalarValue.Of(k)) : deploy;
        return
        [
            .. diagnostics,
            .. PolicyChecker.Check(resolved.Content.With("deploy", deploy), policy, Locate),
            .. PolicyChecker.CheckDriver(driver, policy, Locate("deploy.driver")),
            .. UnsupportedKeys.Check(resolved),
        ];
    }
}
