using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Layers;

public sealed class InterpolationTests
{
    private static readonly SourceLocation Here = new("f.vse.yaml", 7, 9);

    private static (string? Text, IReadOnlyList<Diagnostic> Diagnostics) Expand(string text, string target = "")
    {
        var bag = new DiagnosticBag();
        var context = new InterpolationContext("apps/x", target, new Dictionary<string, string> { ["USER"] = "alice", ["EMPTY"] = "" });
        return (Interpolator.Expand(text, Here, context, bag), bag.Items);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("/scratch/${env.USER}", "/scratch/alice")]
    [InlineData("${env.USER}${env.USER}", "alicealice")]
    [InlineData("[${env.EMPTY}]", "[]")]
    [InlineData("${vse.name} on ${vse.target}", "apps/x on ")]
    [InlineData("$${HOME}", "${HOME}")]
    [InlineData("echo \"$${f##*/}\" $HOME $1 $$", "echo \"${f##*/}\" $HOME $1 $$")]
    [InlineData("$${env.USER} is ${env.USER}", "${env.USER} is alice")]
    [InlineData("a } b", "a } b")]
    public void Variables_are_expanded_and_dollar_dollar_brace_is_a_literal(string text, string expected)
    {
        var (result, diagnostics) = Expand(text);

        Assert.Empty(diagnostics);
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("${HOME}")]
    [InlineData("${vse.user}")]
    [InlineData("${env.}")]
    [InlineData("${}")]
    public void An_unknown_variable_is_an_error(string text)
    {
        var (result, diagnostics) = Expand(text);

        Assert.Null(result);
        Assert.Equal(Here, Single(diagnostics, DiagnosticCodes.UnknownVariable).Location);
    }

    [Fact]
    public void An_unset_environment_variable_is_an_error_naming_it()
    {
        var (result, diagnostics) = Expand("/home/${env.NOPE}");

        Assert.Null(result);
        Assert.Contains("'NOPE'", Single(diagnostics, DiagnosticCodes.UnsetEnvironmentVariable).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_variable_of_a_string_is_reported()
    {
        var (_, diagnostics) = Expand("${env.A} ${env.B} ${nope}");

        Codes(diagnostics, DiagnosticCodes.UnsetEnvironmentVariable, DiagnosticCodes.UnsetEnvironmentVariable, DiagnosticCodes.UnknownVariable);
    }

    [Fact]
    public void An_unterminated_variable_is_an_error()
    {
        var (result, diagnostics) = Expand("/home/${env.USER");

        Assert.Null(result);
        Single(diagnostics, DiagnosticCodes.MalformedInterpolation);
    }

    [Fact]
    public void Env_variables_come_from_the_given_environment()
    {
        using var ws = new DescriptionWorkspace();
        ws.Environment["PROJ"] = "climate";
        ws.Write("app", "vse: 1\nname: app\nmounts:\n  /proj: {source: \"/lustre/${env.PROJ}/${env.USER}\"}\n");

        var mount = (Model.MapValue)((Model.MapValue)ws.ResolveOk("app").Content["mounts"]!)["/proj"]!;

        Assert.Equal("/lustre/climate/alice", mount["source"]!.ToString());
    }

    [Fact]
    public void Vse_name_in_a_base_is_the_name_of_the_description_being_resolved()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("base", "vse: 1\nname: base\nrun: echo hello from ${vse.name}\n");
        ws.Write("app", "vse: 1\nname: apps/hello\nextends: base\n");

        Assert.Equal("echo hello from apps/hello", Str(ws.ResolveOk("app").Content, "run"));
    }

    [Fact]
    public void Vse_target_is_the_chosen_target_or_empty()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nrun: \"[${vse.target}]\"\ntargets: {cluster: {}}\n");

        Assert.Equal("[]", Str(ws.ResolveOk("app").Content, "run"));
        Assert.Equal("[cluster]", Str(ws.ResolveOk("app", target: "cluster").Content, "run"));
    }

    [Fact]
    public void An_integer_may_come_from_a_variable()
    {
        using var ws = new DescriptionWorkspace();
        ws.Environment["CPUS"] = "12";
        ws.Write("app", "vse: 1\nname: app\nresources: {cpus: \"${env.CPUS}\"}\n");

        Assert.Equal(12, Int(ws.ResolveOk("app").Content, "resources.cpus"));
    }

    [Fact]
    public void Numbers_and_sizes_written_as_variables_are_typed_after_expansion()
    {
        using var ws = new DescriptionWorkspace();
        ws.Environment["N"] = "8";
        ws.Environment["MEM"] = "2Gi";
        ws.Write("app", "vse: 1\nname: app\ndeploy:\n  instances: ${env.N}\nresources:\n  memory: ${env.MEM}\n");

        var content = ws.ResolveOk("app").Content;

        Assert.Equal(8, Int(content, "deploy.instances"));
        Assert.Equal(2L << 30, Int(content, "resources.memory"));
    }

    [Fact]
    public void A_variable_that_expands_to_a_non_number_is_a_type_error()
    {
        using var ws = new DescriptionWorkspace();
        ws.Environment["N"] = "four";
        ws.Write("app", "vse: 1\nname: app\ndeploy:\n  instances: ${env.N}\n");

        Single(ws.ResolveFails("app"), DiagnosticCodes.WrongType);
    }

    [Fact]
    public void Each_layer_is_expanded_when_read_so_an_overridden_base_value_must_still_expand()
    {
        using var ws = new DescriptionWorkspace();
        var basePath = ws.Write("base", "vse: 1\nname: base\nrun: echo ${env.TOKEN}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: base\nrun: echo hello\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.UnsetEnvironmentVariable), basePath, 3, 6);
    }

    [Fact]
    public void Keys_and_extends_are_not_interpolated()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nenv: {\"${env.USER}\": x}\n");
        ws.Write("ext", "vse: 1\nname: ext\nextends: \"${env.USER}\"\n");

        Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue); // the literal key is not a variable name
        Single(ws.ResolveFails("ext"), DiagnosticCodes.InvalidBaseName);
    }

    [Fact]
    public void An_unknown_variable_in_a_file_is_reported_at_the_string()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nrun: echo ${vse.user}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownVariable), path, 3, 6);
    }

    [Fact]
    public void An_unset_variable_in_a_file_is_reported_at_the_string()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nenv:\n  HOME: /home/${env.NOPE}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.UnsetEnvironmentVariable), path, 4, 9);
    }

    [Fact]
    public void An_unterminated_variable_in_a_file_is_reported_at_the_string()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nfiles:\n  - {write: /etc/motd, content: \"${vse.name\"}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.MalformedInterpolation), path, 4, 33);
    }

    [Fact]
    public void A_literal_dollar_brace_survives_into_the_resolved_value()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nbuild:\n  - run: 'for f in /etc/*; do echo \"$${f##*/}\"; done'\n");

        Assert.Equal("for f in /etc/*; do echo \"${f##*/}\"; done", Steps(ws.ResolveOk("app").Content, "build")[0]["run"]!.ToString());
    }

    [Fact]
    public void A_variable_whose_value_holds_a_reference_is_not_expanded_again()
    {
        using var ws = new DescriptionWorkspace();
        ws.Environment["EVIL"] = "${env.SECRET}$${x}";
        ws.Environment["SECRET"] = "s3cret";
        ws.Write("app", "vse: 1\nname: app\nenv: {A: \"${env.EVIL}\"}\n");

        Assert.Equal("${env.SECRET}$${x}", ((Model.MapValue)ws.ResolveOk("app").Content["env"]!)["A"]!.ToString());
    }

    [Theory]
    [InlineData("files: [{write: \"/opt/${env.EVIL}\", content: x}]", "app.conf", "../../../../etc/shadow")]
    [InlineData("files: [{mkdir: \"/opt/${env.EVIL}\"}]", "a/b", "../..")]
    [InlineData("mounts: {/data: {source: \"${env.EVIL}\"}}", "/srv/data", "relative/path")]
    [InlineData("packages: [\"${env.EVIL}\"]", "vim", "vim; rm -rf /")]
    [InlineData("services: [\"${env.EVIL}\"]", "sshd", "sshd\n")]
    public void A_hostile_value_is_checked_after_expansion_like_a_written_one(string body, string plain, string hostile)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\n" + body + "\n");
        ws.Environment["EVIL"] = plain;
        ws.ResolveOk("app");

        ws.Environment["EVIL"] = hostile;

        Assert.Contains(ws.ResolveFails("app"), e => e.Location.File == path && e.Location.Line == 3);
    }
}
