using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Syntax;

/// <summary>
/// A NUL in a description, raw or written as YAML's <c>"\0"</c> escape: no string value may
/// carry one to a path, an argument or an environment entry, where the C side would cut it
/// short and act on a different value than the one checked.
/// </summary>
public sealed class NulInDescriptionTests
{
    [Theory]
    [InlineData("description: \"a\\0b\"")]
    [InlineData("env: {A: \"x\\0y\"}")]
    [InlineData("run: \"echo ok\\0; rm -rf /\"")]
    [InlineData("packages: [\"vim\\0\"]")]
    [InlineData("files: [{write: \"/etc/motd\\0x\", content: hi}]")]
    [InlineData("mounts: {/data: {source: \"/lustre\\0/etc\"}}")]
    [InlineData("os: {mirror: \"http://deb.debian.org\\0x\"}")]
    public void An_escaped_nul_in_any_string_is_refused_at_its_line(string body)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\n" + body + "\n");

        var errors = ws.ResolveFails("app");

        Assert.Contains(errors, e => e.Code == DiagnosticCodes.InvalidValue && e.Message.Contains("NUL", StringComparison.Ordinal) && e.Location.File == path && e.Location.Line == 3);
    }

    [Fact]
    public void A_raw_nul_byte_in_the_file_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        var app = ws.Write("app", "");
        File.WriteAllBytes(app, [.. "vse: 1\nname: app\ndescription: a"u8, 0, .. "b\n"u8]);

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.YamlSyntax);

        Assert.Equal((app, 3), (error.Location.File, error.Location.Line));
    }
}
