using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Schema;
using Vse.Description.Syntax;

namespace Vse.Description.Policy;

/// <summary>
/// The site-wide policy file, <c>SITE_DIR/policy.vse.yaml</c>: the site's rules for every
/// description, whatever it extends or whether it extends anything (the part of a site layer's
/// policy a description cannot avoid by not naming the layer). It is held to the trust rule of
/// site layers; one that exists but is not trusted is a policy error, never silently dropped:
/// vse cannot tell a tampered file from a mistake, and failing closed is the safe side.
/// </summary>
public static class SiteWidePolicy
{
    public const string FileName = "policy.vse.yaml";

    /// <summary>The keys the file may hold: a header, and the policy.</summary>
    private static readonly string[] AllowedKeys = ["vse", "name", "description", "policy"];

    public static string PathIn(string siteDirectory) => Path.Combine(siteDirectory, FileName);

    /// <returns>The site-wide rules, or null when the site has no such file (or it is broken, which is reported).</returns>
    public static PolicyRules? Load(TrustEvaluator trust, ReaderLimits limits, DiagnosticBag diagnostics)
    {
        var file = PathIn(trust.SiteDirectory);
        Caching.ResolveInputs.Current?.File(file);
        Caching.ResolveInputs.Current?.Node(file);
        // A dangling symlink counts as present (and then fails to read): a site that meant to
        // have a policy must not silently have none.
        var info = new FileInfo(file);
        if (!info.Exists && !Directory.Exists(file) && info.LinkTarget is null)
        {
            return null;
        }

        if (!trust.IsTrusted(file))
        {
            diagnostics.Error(DiagnosticCodes.PolicyInUntrustedLayer, SourceLocation.StartOf(file),
                "the site policy file is not trusted (it, or a directory between it and the site directory, is changeable by the invoking user); ask the site's administrator");
            return null;
        }

        if (YamlFileReader.ReadFile(file, limits, diagnostics) is not { } root)
        {
            return null;
        }

        if (root is not MappingNode mapping)
        {
            diagnostics.Error(DiagnosticCodes.NotAMapping, root.Location, "the site policy file must be a mapping with 'vse: 1' and 'policy'");
            return null;
        }

        foreach (var entry in mapping.Entries.Where(e => !AllowedKeys.Contains(e.Key.Text)))
        {
            diagnostics.Error(DiagnosticCodes.UnknownKey, entry.Key.Location,
                $"unknown key '{entry.Key.Text}' in the site policy file (it holds only {string.Join(", ", AllowedKeys)}: the site's rules, no content)");
        }

        if (mapping.Entries.FirstOrDefault(e => e.Key.Text == "vse") is not { Value: ScalarNode { Text: var version } }
            || version != DescriptionSchema.SupportedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            diagnostics.Error(DiagnosticCodes.UnsupportedVersion, mapping.Location, $"the site policy file must start with 'vse: {DescriptionSchema.SupportedVersion}'");
            return null;
        }

        var name = mapping.Entries.FirstOrDefault(e => e.Key.Text == "name")?.Value is ScalarNode { IsNull: false } n ? n.Text : FileName;
        return mapping.Entries.FirstOrDefault(e => e.Key.Text == "policy") is { } policy
            ? new PolicyReader(new PatchReader(file, name, null, diagnostics)).Read(policy.Value)
            : null;
    }
}
