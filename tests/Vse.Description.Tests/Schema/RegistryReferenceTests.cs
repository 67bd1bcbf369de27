using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Schema;

/// <summary><c>docker://HOST[:PORT]/NAME[:TAG][@sha256:HEX]</c>: what <c>os.base</c> and <c>vse push</c> accept (docs/registry.md).</summary>
public sealed class RegistryReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("docker://127.0.0.1:5000/hello:v1", "127.0.0.1", 5000, "hello", "v1", null)]
    [InlineData("docker://localhost:5000/team/mpi-ring:2024.1", "localhost", 5000, "team/mpi-ring", "2024.1", null)]
    [InlineData("docker://registry.example.org/a.b/c__d/e-f", "registry.example.org", null, "a.b/c__d/e-f", null, null)]
    [InlineData("docker://reg:443/x@sha256:" + Hex, "reg", 443, "x", null, "sha256:" + Hex)]
    [InlineData("docker://reg/x:t@sha256:" + Hex, "reg", null, "x", "t", "sha256:" + Hex)]
    public void A_reference_is_read_into_its_parts(string text, string host, int? port, string repository, string? tag, string? digest)
    {
        Assert.Equal(new RegistryReference(host, port, repository, tag, digest), RegistryReference.Parse(text));
    }

    [Fact]
    public void The_skopeo_form_defaults_the_tag_and_lets_a_digest_win()
    {
        Assert.Equal("docker://reg:5000/x:latest", RegistryReference.Parse("docker://reg:5000/x").ToString());
        Assert.Equal("docker://reg/x@sha256:" + Hex, RegistryReference.Parse("docker://reg/x:t@sha256:" + Hex).ToString());
        Assert.Equal("docker://reg/x@sha256:" + Hex, RegistryReference.Parse("docker://reg/x:t").WithDigest("sha256:" + Hex).ToString());
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("128.0.0.1", false)]
    [InlineData("registry.example.org", false)]
    [InlineData("localhost.example.org", false)]
    public void Only_this_machine_is_loopback(string host, bool loopback)
    {
        Assert.Equal(loopback, RegistryReference.Parse($"docker://{host}:5000/x:y").IsLoopback);
    }

    [Theory]
    [InlineData("http://reg/x:y", "starts with docker://")]
    [InlineData("docker://x:y", "host and the image name are both required")]
    [InlineData("docker://reg/", "host and the image name are both required")]
    [InlineData("docker:///x", "host and the image name are both required")]
    [InlineData("docker://reg:0/x", "port '0'")]
    [InlineData("docker://reg:70000/x", "port '70000'")]
    [InlineData("docker://reg:http/x", "port 'http'")]
    [InlineData("docker://re_g/x", "host 're_g'")]
    [InlineData("docker://reg/Hello:v1", "name component 'Hello'")]
    [InlineData("docker://reg/a//b:v1", "name component ''")]
    [InlineData("docker://reg/a-/b", "name component 'a-'")]
    [InlineData("docker://reg/x:", "tag ''")]
    [InlineData("docker://reg/x:-v", "tag '-v'")]
    [InlineData("docker://reg/x:a b", "tag 'a b'")]
    [InlineData("docker://reg/x@sha256:abc", "digest 'sha256:abc'")]
    [InlineData("docker://reg/x@md5:" + Hex, "digest 'md5:")]
    [InlineData("docker://reg/x:v1\n", "tag 'v1\n'")]
    public void A_bad_reference_says_what_is_wrong(string text, string problem)
    {
        Assert.False(RegistryReference.TryParse(text, out var reference, out var why));
        Assert.Null(reference);
        Assert.Contains(problem, why, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => RegistryReference.Parse(text));
    }

    [Fact]
    public void A_bad_registry_base_is_an_error_at_its_file_line_and_column()
    {
        using var ws = new DescriptionWorkspace();
        var file = ws.Write("app", "vse: 1\nname: app\nos:\n  base: docker://127.0.0.1:5000/Hello:v1\n");

        var diagnostic = Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidRegistryReference);

        At(diagnostic, file, 4, 9);
        Assert.Contains("name component 'Hello'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registry_base_resolves_as_written()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\nos:\n  base: docker://127.0.0.1:5000/hello@sha256:{Hex}\n");

        Assert.Equal($"docker://127.0.0.1:5000/hello@sha256:{Hex}", Str(ws.ResolveOk("app").Content, "os.base"));
    }
}
