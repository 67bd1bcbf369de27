using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Layers;

/// <summary>
/// An error about a file that is not a description never quotes what the file holds (issue 15,
/// hole 6: <c>extends: /etc/shadow</c> printed every entry as an unknown key). A file shows it is
/// a description by its name (<c>*.vse.yaml</c>, <c>*.vse.json</c>) or by a top-level <c>vse</c> key.
/// </summary>
public sealed class NonDescriptionContentTests
{
    private const string Secret = "S3CRET-TOKEN-4f9a";

    private static readonly string ShadowLike =
        $"root:$6${Secret}$abc:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nbob:$6$other-{Secret}$x:19000:0:99999:7:::\n";

    [Theory]
    [InlineData("shadow-like")]
    [InlineData("key: [unclosed {0}\n")] // not valid YAML
    [InlineData("{0}: 1\nfoo: bar\n")] // a mapping, but no 'vse'
    [InlineData("just text {0}\nmore text\n")] // a scalar
    public void Extending_a_file_that_is_not_a_description_gets_one_error_that_quotes_nothing(string content)
    {
        using var ws = new DescriptionWorkspace();
        var text = content == "shadow-like" ? ShadowLike : string.Format(System.Globalization.CultureInfo.InvariantCulture, content, Secret);
        var secret = ws.WriteFile("secret", text);
        ws.Write("app", $"vse: 1\nname: app\nextends: {secret}\n");

        var diagnostics = ws.ResolveFails("app");
        var error = Single(diagnostics, DiagnosticCodes.NotADescription);
        Assert.Equal(secret, error.Location.File);
        Assert.All(diagnostics, d => Assert.DoesNotContain(Secret, d.ToString(), StringComparison.Ordinal));
        Assert.All(diagnostics, d => Assert.DoesNotContain("daemon", d.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void A_symlink_with_a_description_name_does_not_lend_it_to_the_file_it_points_to()
    {
        using var ws = new DescriptionWorkspace();
        var secret = ws.WriteFile("secret", ShadowLike);
        File.CreateSymbolicLink(Path.Combine(ws.Root, "base.vse.yaml"), secret);
        ws.Write("app", "vse: 1\nname: app\nextends: base\n");

        var diagnostics = ws.ResolveFails("app");
        Single(diagnostics, DiagnosticCodes.NotADescription);
        Assert.All(diagnostics, d => Assert.DoesNotContain(Secret, d.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_named_as_a_description_still_gets_errors_that_quote_its_keys()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\npackagez: [vim]\n");

        Assert.Contains("packagez", Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownKey).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_with_a_vse_key_but_another_name_still_gets_errors_that_quote_its_keys()
    {
        using var ws = new DescriptionWorkspace();
        var other = ws.WriteFile("base.yaml", "vse: 1\nname: base\npackagez: [vim]\n");
        ws.Write("app", $"vse: 1\nname: app\nextends: {other}\n");

        Assert.Contains("packagez", Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownKey).Message, StringComparison.Ordinal);
    }
}
