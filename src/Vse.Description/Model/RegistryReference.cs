using System.Text.RegularExpressions;

namespace Vse.Description.Model;

/// <summary>
/// An image in a registry, as <c>os.base</c> and <c>vse push</c> name it:
/// <c>docker://HOST[:PORT]/NAME[:TAG][@sha256:HEX]</c> (the grammar of the OCI distribution
/// spec's repository names, tags and digests; skopeo's <c>docker://</c> transport). Unlike Docker,
/// the registry host is never implied: a description says where its base comes from.
/// </summary>
/// <param name="Host">The registry's host name or IPv4 address.</param>
/// <param name="Port">Null for the scheme's default.</param>
/// <param name="Repository">The repository path, e.g. <c>team/mpi-ring</c>.</param>
/// <param name="Tag">Null when only a digest is given.</param>
/// <param name="Digest"><c>sha256:HEX</c>, or null: then the tag is resolved when it is used.</param>
public sealed partial record RegistryReference(string Host, int? Port, string Repository, string? Tag, string? Digest)
{
    public const string Scheme = "docker://";

    /// <summary>The tag a reference without tag or digest means, as in Docker.</summary>
    public const string DefaultTag = "latest";

    /// <summary><c>HOST[:PORT]</c>.</summary>
    public string Registry => Port is { } port ? $"{Host}:{port}" : Host;

    /// <summary>Whether the registry is on this machine, where plain HTTP is the norm (Docker's rule for insecure registries).</summary>
    public bool IsLoopback => Host == "localhost" || LoopbackPattern().IsMatch(Host);

    /// <summary>This reference pinned to <paramref name="digest"/>: what a pull fetches, so that it gets exactly what was identified.</summary>
    public RegistryReference WithDigest(string digest) => this with { Tag = null, Digest = digest };

    /// <summary>The reference in skopeo's form: <c>docker://HOST[:PORT]/NAME:TAG</c> or <c>…@sha256:HEX</c> (the digest wins).</summary>
    public override string ToString() =>
        $"{Scheme}{Registry}/{Repository}" + (Digest is { } digest ? "@" + digest : ":" + (Tag ?? DefaultTag));

    public static bool IsRegistryReference(string text) => text.StartsWith(Scheme, StringComparison.Ordinal);

    /// <exception cref="FormatException">Not a valid reference; the message says what is wrong.</exception>
    public static RegistryReference Parse(string text) =>
        TryParse(text, out var reference, out var problem) ? reference! : throw new FormatException($"'{text}': {problem}");

    /// <summary>What is wrong with <paramref name="text"/> as a registry reference, or null when nothing is.</summary>
    public static string? Problem(string text) => TryParse(text, out _, out var problem) ? null : problem;

    public static bool TryParse(string text, out RegistryReference? reference, out string? problem)
    {
        reference = null;
        if (!IsRegistryReference(text))
        {
            problem = $"a registry reference starts with {Scheme}";
            return false;
        }

        var rest = text[Scheme.Length..];
        string? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                problem = $"the digest '{digest}' must be sha256: and 64 lowercase hex digits";
                return false;
            }
        }

        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
        {
            problem = "expected docker://HOST[:PORT]/NAME[:TAG][@sha256:DIGEST]: the registry host and the image name are both required";
            return false;
        }

        var registry = rest[..slash];
        var path = rest[(slash + 1)..];
        if (!TryParseRegistry(registry, out var host, out var port, out problem))
        {
            return false;
        }

        string? tag = null;
        var lastColon = path.LastIndexOf(':');
        if (lastColon >= 0)
        {
            tag = path[(lastColon + 1)..];
            path = path[..lastColon];
            if (!TagPattern().IsMatch(tag))
            {
                problem = $"the tag '{tag}' must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'";
                return false;
            }
        }

        foreach (var component in path.Split('/'))
        {
            if (!ComponentPattern().IsMatch(component))
            {
                problem = $"the name component '{component}' must be lowercase letters and digits, separated by '.', '_', '__' or dashes";
                return false;
            }
        }

        if (path.Length > 255)
        {
            problem = "the image name is longer than 255 characters";
            return false;
        }

        reference = new RegistryReference(host!, port, path, tag, digest);
        problem = null;
        return true;
    }

    private static bool TryParseRegistry(string registry, out string? host, out int? port, out string? problem)
    {
        host = registry;
        port = null;
        problem = null;
        var colon = registry.LastIndexOf(':');
        if (colon >= 0)
        {
            host = registry[..colon];
            var portText = registry[(colon + 1)..];
            if (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                problem = $"the registry port '{portText}' must be a number from 1 to 65535";
                return false;
            }

            port = number;
        }

        if (!HostPattern().IsMatch(host))
        {
            problem = $"the registry host '{host}' must be a host name or IPv4 address";
            return false;
        }

        return true;
    }

    // Every pattern ends in \z: $ would also match before a final newline.
    [GeneratedRegex(@"^sha256:[0-9a-f]{64}\z")]
    private static partial Regex DigestPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*\z")]
    private static partial Regex ComponentPattern();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\z")]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^127(\.\d{1,3}){3}\z")]
    private static partial Regex LoopbackPattern();
}
