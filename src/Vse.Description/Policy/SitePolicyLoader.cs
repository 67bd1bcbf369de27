using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Syntax;

namespace Vse.Description.Policy;

/// <summary>
/// Reads the site policy as the site's files say it now: the site-wide policy file
/// (<see cref="SiteWidePolicy"/>) and the policy of each layer. Deploy calls this with the layer files
/// recorded in a built configuration and checks the stored description against the result
/// (<see cref="PolicyChecker.Check"/>), so a stale or hand-edited resolved file cannot bypass a
/// policy tightened since the build.
/// </summary>
public static class SitePolicyLoader
{
    public static (SitePolicy Policy, IReadOnlyList<Diagnostic> Diagnostics) Load(IEnumerable<string> files, string siteDirectory, ReaderLimits? limits = null)
    {
        var diagnostics = new DiagnosticBag();
        var trust = new TrustEvaluator(siteDirectory);
        var rules = new List<PolicyRules>();
        var siteWidePath = HostPaths.Canonicalize(SiteWidePolicy.PathIn(trust.SiteDirectory));
        if (SiteWidePolicy.Load(trust, limits ?? ReaderLimits.Default, diagnostics) is { } siteWide)
        {
            rules.Add(siteWide);
        }

        foreach (var file in files.Where(f => HostPaths.Canonicalize(f) != siteWidePath))
        {
            Caching.ResolveInputs.Current?.File(file);
            if (!File.Exists(file) || YamlFileReader.ReadFile(file, limits ?? ReaderLimits.Default, diagnostics) is not MappingNode root)
            {
                continue;
            }

            if (root.Entries.FirstOrDefault(e => e.Key.Text == "policy") is not { } policy)
            {
                continue;
            }

            if (!trust.IsTrusted(file))
            {
                // A policy file that has become changeable by the user no longer counts as policy;
                // refusing is safer than silently dropping its rules.
                diagnostics.Error(DiagnosticCodes.PolicyInUntrustedLayer, policy.Key.Location,
                    "this layer's policy is no longer trusted (the file or a directory above it is changeable by the invoking user)");
                continue;
            }

            var name = root.Entries.FirstOrDefault(e => e.Key.Text == "name")?.Value is ScalarNode n ? n.Text : Path.GetFileName(file);
            if (new PolicyReader(new PatchReader(file, name, null, diagnostics)).Read(policy.Value) is { } read)
            {
                rules.Add(read);
            }
        }

        return (new SitePolicy(rules), diagnostics.Items);
    }
}
