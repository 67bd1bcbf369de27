using System.Security.Cryptography;
using System.Text;
using Vse.Description.Merge;

namespace Vse.Description.Policy;

/// <summary>
/// A digest of what a site policy says (not where it says it), recorded in an image's lock
/// file: two builds under the same rules have the same policy digest.
/// </summary>
public static class PolicyDigest
{
    public static string Of(SitePolicy policy) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalTextOf(policy))));

    /// <summary>What <see cref="Of"/> hashes: compared whole where loading SHA-256 (OpenSSL) would cost more than the comparison (the build memo).</summary>
    public static string CanonicalTextOf(SitePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var text = new StringBuilder("[");
        foreach (var rules in policy.Layers)
        {
            text.Append('{');
            Field(text, "layer", [rules.LayerName]);
            Field(text, "lock", rules.Locks.Select(l => l.Text));
            Field(text, "allow.mounts", rules.AllowMounts?.Select(m => m.Value));
            Field(text, "allow.drivers", rules.AllowDrivers?.Select(d => d.Value));
            // Written only when set, so the digest of a policy without them is what it was before they existed.
            if (rules.AllowSeccomp is { } seccomp)
            {
                Field(text, "allow.seccomp", seccomp.Select(d => d.Value));
            }

            if (rules.AllowCapabilities is { } capabilities)
            {
                Field(text, "allow.capabilities", capabilities.Select(d => d.Value));
            }

            if (rules.AllowDevices is { } devices)
            {
                Field(text, "allow.devices", devices.Select(d => d.Value));
            }

            Field(text, "deny.packages", rules.DenyPackages.Select(p => p.Value));
            Field(text, "limits", rules.Limits.Select(l => $"{l.Path}={l.Maximum}"));
            text.Append("},");
        }

        text.Append(']');
        return text.ToString();
    }

    private static void Field(StringBuilder text, string name, IEnumerable<string>? values)
    {
        CanonicalJson.WriteString(text, name);
        text.Append(':');
        if (values is null)
        {
            text.Append("null,");
            return;
        }

        text.Append('[');
        foreach (var value in values.Order(StringComparer.Ordinal))
        {
            CanonicalJson.WriteString(text, value);
            text.Append(',');
        }

        text.Append("],");
    }
}
