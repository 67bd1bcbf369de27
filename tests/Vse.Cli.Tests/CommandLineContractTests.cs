using System.Text.RegularExpressions;

namespace Vse.Cli.Tests;

/// <summary>The command-line contract of DESIGN §2.4: exit codes and one-line errors.</summary>
public sealed partial class CommandLineContractTests
{
    private const string Base = """
        vse: 1
        name: site/base
        os: {base: busybox}
        packages: [curl]
        env: {LANG: C.UTF-8}
        """;

    [Fact]
    public async Task Help_lists_the_commands_and_succeeds()
    {
        using var workspace = new Workspace();
        var outcome = await workspace.RunAsync("--help");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("validate", outcome.Stdout);
        Assert.Contains("resolve", outcome.Stdout);
        Assert.Contains("explain", outcome.Stdout);
    }

    [Fact]
    public async Task An_unknown_command_is_invalid_input_with_exit_code_2()
    {
        using var workspace = new Workspace();
        var outcome = await workspace.RunAsync("frobnicate");
        Assert.Equal(2, outcome.ExitCode);
        Assert.All(outcome.ErrorLines, line => Assert.StartsWith("vse: error: ", line));
    }

    [Fact]
    public async Task A_valid_description_validates_with_exit_code_0_and_its_digest()
    {
        using var workspace = new Workspace();
        var file = workspace.Write("base.vse.yaml", Base);
        var outcome = await workspace.RunAsync("validate", file);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Matches("ok \\(sha256:[0-9a-f]{64}\\)", outcome.Stdout);
        Assert.Equal("", outcome.Stderr);
    }

    [Fact]
    public async Task Every_problem_of_a_file_is_one_line_with_file_line_and_column_and_exit_code_2()
    {
        using var workspace = new Workspace();
        workspace.Write("bad.vse.yaml", """
            vse: 1
            name: bad
            pakages: [curl]
            resources: {cpus: many}
            network: {mode: bridged}
            """);
        var outcome = await workspace.RunAsync("validate", "bad.vse.yaml");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(3, outcome.ErrorLines.Length);
        Assert.All(outcome.ErrorLines, line => Assert.Matches(ErrorLine(), line));
        Assert.Contains("bad.vse.yaml:3:1: error: unknown key 'pakages' (did you mean 'packages'?)", outcome.Stderr);
        Assert.DoesNotContain("   at ", outcome.Stderr);
    }

    [Fact]
    public async Task A_policy_violation_exits_with_code_3()
    {
        using var workspace = new Workspace();
        workspace.Write("site/hpc.vse.yaml", Base + "\npolicy: {deny: {packages: [telnetd]}}\n");
        workspace.Write("app.vse.yaml", """
            vse: 1
            name: app
            extends: hpc
            packages: [telnetd]
            """);
        var outcome = await workspace.RunAsync("validate", "app.vse.yaml");
        Skip.If(outcome.Stderr.Contains("VSE0601"), "the workspace's site directory is not trusted for this user (policy needs root or a non-writable site dir)");
        Assert.Equal(3, outcome.ExitCode);
        Assert.Matches(ErrorLine(), outcome.ErrorLines.Single());
        Assert.Contains("app.vse.yaml:4:12: error: package 'telnetd' is denied by site policy", outcome.Stderr);
    }

    [Fact]
    public async Task Input_errors_win_over_policy_errors_for_the_exit_code()
    {
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", """
            vse: 1
            name: app
            policy: {deny: {packages: [x]}}
            colour: blue
            """);
        var outcome = await workspace.RunAsync("validate", "app.vse.yaml");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("VSE0601", outcome.Stderr);
        Assert.Contains("VSE0201", outcome.Stderr);
    }

    [Fact]
    public async Task A_missing_file_is_invalid_input()
    {
        using var workspace = new Workspace();
        var outcome = await workspace.RunAsync("resolve", "nowhere.vse.yaml");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Matches(ErrorLine(), outcome.ErrorLines.Single());
    }

    [Fact]
    public async Task A_ten_megabyte_file_is_refused_with_one_line()
    {
        using var workspace = new Workspace();
        var path = Path.Combine(workspace.Root, "huge.vse.yaml");
        await File.WriteAllTextAsync(path, "vse: 1\nname: huge\ndescription: \"" + new string('x', 10 * 1024 * 1024) + "\"\n");
        var outcome = await workspace.RunAsync("validate", path);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("error: file is too large", outcome.ErrorLines.Single());
    }

    [Fact]
    public async Task An_alias_bomb_is_refused_with_one_line()
    {
        using var workspace = new Workspace();
        var lines = new List<string> { "vse: 1", "name: bomb", "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]" };
        for (var i = 1; i < 10; i++)
        {
            lines.Add($"x{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]");
        }

        workspace.Write("bomb.vse.yaml", string.Join('\n', lines));
        var outcome = await workspace.RunAsync("validate", "bomb.vse.yaml");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("VSE0104", outcome.ErrorLines.Single());
    }

    [Fact]
    public async Task Explain_an_unknown_path_is_invalid_input()
    {
        using var workspace = new Workspace();
        workspace.Write("base.vse.yaml", Base);
        var outcome = await workspace.RunAsync("explain", "base.vse.yaml", "no.such.path");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("no value at 'no.such.path'", outcome.Stderr);
    }

    [GeneratedRegex(@"^\S+:\d+:\d+: error: .+ \[VSE\d{4}\]$")]
    private static partial Regex ErrorLine();
}
