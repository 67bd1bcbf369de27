using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;

namespace Vse.Description.Tests.Diagnostics;

public sealed class DiagnosticTests
{
    [Fact]
    public void A_diagnostic_prints_as_file_line_column_severity_message_and_code()
    {
        var error = new Diagnostic(Severity.Error, DiagnosticCodes.UnknownKey, new SourceLocation("app.vse.yaml", 4, 1), "unknown key 'pakages'");
        var warning = error with { Severity = Severity.Warning };

        Assert.Equal("app.vse.yaml:4:1: error: unknown key 'pakages' [VSE0201]", error.ToString());
        Assert.Equal("app.vse.yaml:4:1: warning: unknown key 'pakages' [VSE0201]", warning.ToString());
    }

    [Theory]
    [InlineData(DiagnosticCodes.YamlSyntax, DiagnosticKind.Input)]
    [InlineData(DiagnosticCodes.UnknownKey, DiagnosticKind.Input)]
    [InlineData(DiagnosticCodes.MissingBase, DiagnosticKind.Input)]
    [InlineData(DiagnosticCodes.UnknownTarget, DiagnosticKind.Input)]
    [InlineData(DiagnosticCodes.UnknownVariable, DiagnosticKind.Input)]
    [InlineData(DiagnosticCodes.PolicyInUntrustedLayer, DiagnosticKind.Policy)]
    [InlineData(DiagnosticCodes.LockedValueChanged, DiagnosticKind.Policy)]
    [InlineData(DiagnosticCodes.LimitExceeded, DiagnosticKind.Policy)]
    public void Policy_codes_are_policy_problems_and_every_other_code_is_an_input_problem(string code, DiagnosticKind kind) =>
        Assert.Equal(kind, DiagnosticCodes.KindOf(code));

    [Fact]
    public void Every_code_is_unique()
    {
        var codes = typeof(DiagnosticCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^VSE0[1-6][0-9]{2}$", c));
    }

    [Fact]
    public void Warnings_alone_do_not_fail_a_resolution()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\npackages: {remove: [vim]}\nfiles: [{id: x, remove: true}]\n");

        var result = ws.Resolve("app");

        Assert.True(result.Succeeded);
        Assert.All(result.Diagnostics, d => Assert.Equal(Severity.Warning, d.Severity));
        Assert.Equal(2, result.Diagnostics.Count);
    }
}
