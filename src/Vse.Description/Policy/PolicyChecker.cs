using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Model;

namespace Vse.Description.Policy;

/// <summary>
/// Checks a resolved description against site policy: allowed mounts, denied packages, allowed
/// drivers and limits (DESIGN §2.3). Locks are checked while layers merge (they are about who
/// changed a value, not what it is). The resolver calls this, and so does deploy, against the
/// policy as the site's files say it now, so a stale or edited resolved file cannot bypass it.
/// </summary>
public static class PolicyChecker
{
    /// <param name="locate">Where a value path was written, for the error's location.</param>
    public static IReadOnlyList<Diagnostic> Check(MapValue content, SitePolicy policy, Func<string, SourceLocation> locate)
    {
        var diagnostics = new DiagnosticBag();
        // Before the empty-policy shortcut: a relaxation needs a rule that allows it, so no policy refuses it.
        CheckSecurity(content, policy, locate, diagnostics);
        CheckDevices(content, policy, locate, diagnostics);
        if (policy.IsEmpty)
        {
            return diagnostics.Items;
        }

        CheckMounts(content, policy, locate, diagnostics);
        CheckPackages(content, policy, locate, diagnostics);
        if (Lookup(content, "deploy", "driver") is ScalarValue { AsString: { } driver })
        {
            diagnostics.AddRange(CheckDriver(driver, policy, locate("deploy.driver")));
        }

        CheckLimits(content, policy, locate, diagnostics);
        CheckMpi(content, policy, locate, diagnostics);
        return diagnostics.Items;
    }

    /// <summary>Whether the site lets a description run on <paramref name="driver"/>; deploy asks this for <c>--driver</c>.</summary>
    public static IEnumerable<Diagnostic> CheckDriver(string driver, SitePolicy policy, SourceLocation location)
    {
        foreach (var rules in policy.Layers.Where(r => r.AllowDrivers is not null))
        {
            if (!rules.AllowDrivers!.Any(d => d.Value == driver))
            {
                yield return new Diagnostic(Severity.Error, DiagnosticCodes.DriverNotAllowed, location,
                    $"driver '{driver}' is not allowed by site policy (allow.drivers of {rules.LayerName} at {rules.AllowDrivers!.FirstOrDefault()?.Location ?? rules.Location}: {string.Join(", ", rules.AllowDrivers!.Select(d => d.Value))})");
            }
        }
    }

    /// <summary>
    /// <c>security</c> relaxes the confinement of instances, so it is the other way round from mounts
    /// and drivers: each relaxation must be allowed by at least one trusted layer (or the site-wide
    /// file), and by every one that says which it allows. Without a policy, none is allowed.
    /// </summary>
    private static void CheckSecurity(MapValue content, SitePolicy policy, Func<string, SourceLocation> locate, DiagnosticBag diagnostics)
    {
        if (Lookup(content, "security", "seccomp") is ScalarValue { AsString: "unconfined" })
        {
            Relax(policy, r => r.AllowSeccomp, "unconfined", "security.seccomp", "seccomp: unconfined", "seccomp", locate, diagnostics);
        }

        if (Lookup(content, "security", "capabilities") is SetValue capabilities)
        {
            foreach (var capability in capabilities.Members.Order(StringComparer.Ordinal))
            {
                Relax(policy, r => r.AllowCapabilities, capability, ValuePath.Member("security.capabilities", capability),
                    $"capability '{capability}'", "capabilities", locate, diagnostics);
            }
        }
    }

    private static void Relax(
        SitePolicy policy, Func<PolicyRules, IReadOnlyList<Located<string>>?> allowed, string value, string path, string what, string key,
        Func<string, SourceLocation> locate, DiagnosticBag diagnostics)
    {
        var declaring = policy.Layers.Where(r => allowed(r) is not null).ToList();
        if (declaring.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.ConfinementNotAllowed, locate(path),
                $"{what} relaxes the confinement of instances, and no site policy allows it (policy.allow.{key} in the site-wide policy file or a site layer)");
            return;
        }

        foreach (var rules in declaring.Where(r => !allowed(r)!.Any(a => a.Value == value)))
        {
            var list = allowed(rules)!;
            diagnostics.Error(DiagnosticCodes.ConfinementNotAllowed, locate(path),
                $"{what} is not allowed by site policy (allow.{key} of {rules.LayerName} at {list.FirstOrDefault()?.Location ?? rules.Location}: {(list.Count == 0 ? "none" : string.Join(", ", list.Select(a => a.Value)))})");
        }
    }

    /// <summary>
    /// <c>devices</c> reach the host's hardware, so like a relaxation each needs a rule: allowed by
    /// a glob of at least one layer's <c>allow.devices</c>, and by every layer that declares one
    /// (most restrictive wins). The path is checked as written and, when the host resolves it
    /// elsewhere (a symlink under <c>/dev</c>), as resolved: the node the instance gets is that one.
    /// </summary>
    private static void CheckDevices(MapValue content, SitePolicy policy, Func<string, SourceLocation> locate, DiagnosticBag diagnostics)
    {
        var declaring = policy.Layers.Where(r => r.AllowDevices is not null).ToList();
        if (content["devices"] is SetValue devices)
        {
            foreach (var device in devices.Members.Order(StringComparer.Ordinal))
            {
                CheckDevice(device, $"device '{device}'", declaring, locate(ValuePath.Member("devices", device)), diagnostics);
            }
        }

        // Every GPU grant opens these two first; the GPUs' own nodes are checked at deploy, once
        // the host's are known (DeployPolicy), as the site's globs name them (/dev/nvidia*).
        if (content["gpus"] is ScalarValue)
        {
            foreach (var device in GpuControlDevices)
            {
                CheckDevice(device, $"'gpus' needs device '{device}', which", declaring, locate("gpus"), diagnostics);
            }
        }
    }

    /// <summary>The device nodes any <c>gpus</c> request needs, whichever GPUs it gets.</summary>
    public static readonly IReadOnlyList<string> GpuControlDevices = ["/dev/nvidiactl", "/dev/nvidia-uvm"];

    /// <summary>Checks one device path against every layer's <c>allow.devices</c>; <paramref name="what"/> starts the message.</summary>
    public static void CheckDevice(string device, string what, IReadOnlyList<PolicyRules> declaring, SourceLocation location, DiagnosticBag diagnostics)
    {
        if (declaring.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.DeviceNotAllowed, location,
                $"{what} reaches the host's hardware, and no site policy allows devices (policy.allow.devices in the site-wide policy file or a site layer)");
            return;
        }

        var canonical = HostPaths.Canonicalize(device);
        foreach (var rules in declaring.Where(r => !DeviceAllowed(r.AllowDevices!, device, canonical)))
        {
            var list = rules.AllowDevices!;
            var resolved = canonical == device ? "" : $" (resolves to '{canonical}')";
            diagnostics.Error(DiagnosticCodes.DeviceNotAllowed, location,
                $"{what}{resolved} is not allowed by site policy (allow.devices of {rules.LayerName} at {list.FirstOrDefault()?.Location ?? rules.Location}: {(list.Count == 0 ? "none" : string.Join(", ", list.Select(a => a.Value)))})");
        }
    }

    /// <summary>Both the path as written and the node it resolves to must match: a link cannot lead past the rule.</summary>
    public static bool DeviceAllowed(IReadOnlyList<Located<string>> globs, string device, string canonical) =>
        globs.Any(g => MountGlob.Matches(g.Value, device)) && globs.Any(g => MountGlob.Matches(g.Value, canonical));

    /// <summary>
    /// <c>mpi: host</c> must be allowed by every layer that declares <c>allow.mpi</c> (most
    /// restrictive wins); with no such layer it is allowed (<see cref="PolicyRules.AllowMpi"/>).
    /// </summary>
    private static void CheckMpi(MapValue content, SitePolicy policy, Func<string, SourceLocation> locate, DiagnosticBag diagnostics)
    {
        if (content["mpi"] is not ScalarValue { AsString: "host" })
        {
            return;
        }

        foreach (var rules in policy.Layers.Where(r => r.AllowMpi is { } allowed && allowed.All(a => a.Value != "host")))
        {
            var list = rules.AllowMpi!;
            diagnostics.Error(DiagnosticCodes.HostMpiNotAllowed, locate("mpi"),
                $"'mpi: host' is not allowed by site policy (allow.mpi of {rules.LayerName} at {list.FirstOrDefault()?.Location ?? rules.Location}: {(list.Count == 0 ? "none" : string.Join(", ", list.Select(a => a.Value)))}); use the image's MPI (mpi: image)");
        }
    }

    private static void CheckMounts(MapValue content, SitePolicy policy, Func<string, SourceLocation> locate, DiagnosticBag diagnostics)
    {
        if (content["mounts"] is not MapValue mounts)
        {
            return;
        }

        foreach (var (target, entry) in mounts.Entries)
        {
            if ((entry as MapValue)?["source"] is not ScalarValue { AsString: { } source })
            {
                continue;
            }

            var canonical = HostPaths.Canonicalize(source);
            foreach (var rules in policy.Layers.Where(r => r.AllowMounts is not null))
            {
                if (rules.AllowMounts!.Any(glob => MountGlob.Matches(CanonicalizeGlob(glob.Value), canonical)))
                {
                    continue;
                }

                var resolved = canonical == source ? "" : $" (resolves to '{canonical}')";
                var where = rules.AllowMounts!.FirstOrDefault()?.Location ?? rules.Location;
                var allowed = rules.AllowMounts!.Count == 0 ? "no mounts" : string.Join(", ", rules.AllowMounts!.Select(g => g.Value));
                diagnostics.Error(DiagnosticCodes.MountNotAllowed, locate($"mounts.{target}.source"),
                    $"mount source '{source}'{resolved} for '{target}' is not allowed by site policy (allow.mounts of {rules.LayerName} at {where}: {allowed})");
            }
        }
    }

    private static void CheckPackages(MapValue content, SitePolicy policy, Func<string, SourceLocation> locate, DiagnosticBag diagnostics)
    {
        if (content["packages"] is not SetValue packages)
        {
            return;
        }

        foreach (var rules in policy.Layers)
        {
            foreach (var denied in rules.DenyPackages.Where(d => packages.Members.Contains(d.Value)))
            {
                diagnostics.Error(DiagnosticCodes.PackageDenied, locate(ValuePath.Member("packages", denied.Value)),
                    $"package '{denied.Value}' is denied by site policy (deny.packages of {rules.LayerName} at {denied.Location})");
            }
        }
    }

    private static void CheckLimits(MapValue content, SitePolicy policy, Func<string, SourceLocation> locate, DiagnosticBag diagnostics)
    {
        foreach (var rules in policy.Layers)
        {
            foreach (var limit in rules.Limits)
            {
                if (Lookup(content, limit.Path.Split('.')) is ScalarValue { AsInteger: { } value } && value > limit.Maximum)
                {
                    diagnostics.Error(DiagnosticCodes.LimitExceeded, locate(limit.Path),
                        $"'{limit.Path}' is {value}, above the site limit of {limit.Maximum} (limits of {rules.LayerName} at {limit.Location})");
                }
            }
        }
    }

    /// <summary>Canonicalizes the literal directories a glob starts with, so a symlinked site path still matches.</summary>
    private static string CanonicalizeGlob(string glob)
    {
        var segments = glob.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var literal = segments.TakeWhile(s => !s.Contains('*')).Count();
        if (literal == 0)
        {
            return glob;
        }

        var prefix = HostPaths.Canonicalize("/" + string.Join('/', segments[..literal]));
        return string.Join('/', segments[literal..].Prepend(prefix.TrimEnd('/')));
    }

    public static DescriptionValue? Lookup(MapValue content, params IEnumerable<string> segments)
    {
        DescriptionValue? current = content;
        foreach (var segment in segments)
        {
            current = (current as MapValue)?[segment];
        }

        return current;
    }
}
