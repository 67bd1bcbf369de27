using System.Diagnostics;
using System.Text;

namespace Vse.Cli.Tests;

/// <summary>
/// Issue 15, holes 3, 6 and 7, as a user meets them on the command line: each attack ends at
/// once with its exit code and one line per problem. vse runs under a short deadline here and is
/// killed when it passes it, so a regression (a read without end, a wait for a FIFO's writer)
/// fails the test instead of hanging the run.
/// </summary>
public sealed class HostileInputTests
{
    private const string Secret = "S3CRET-TOKEN-77c1";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static Task<VseProcess.Outcome> RunWithDeadlineAsync(Workspace workspace, params string[] args) =>
        VseProcess.RunGuardedAsync(workspace.Root, workspace.Environment, Deadline, args);

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static void OneErrorLine(VseProcess.Outcome outcome, int exitCode, string code)
    {
        Assert.True(outcome.ExitCode == exitCode, $"exit {outcome.ExitCode}, stderr:\n{outcome.Stderr}");
        var line = Assert.Single(outcome.ErrorLines);
        Assert.Matches($@"^\S+:\d+:\d+: error: .+ \[{code}\]$", line);
    }

    [Fact]
    public async Task Extending_dev_zero_is_one_error_and_exit_2_not_out_of_memory()
    {
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\nextends: /dev/zero\n");

        OneErrorLine(await RunWithDeadlineAsync(workspace, "validate", "app.vse.yaml"), 2, "VSE0109");
    }

    [Fact]
    public async Task Extending_a_fifo_is_one_error_and_exit_2_not_a_hang()
    {
        using var workspace = new Workspace();
        MakeFifo(Path.Combine(workspace.Root, "pipe.vse.yaml"));
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\nextends: ./pipe.vse.yaml\n");

        OneErrorLine(await RunWithDeadlineAsync(workspace, "validate", "app.vse.yaml"), 2, "VSE0109");
    }

    [Fact]
    public async Task Extending_a_file_that_is_not_a_description_never_prints_its_content()
    {
        using var workspace = new Workspace();
        var shadow = workspace.Write("shadow", $"root:$6${Secret}$x:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
        File.SetUnixFileMode(shadow, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        workspace.Write("app.vse.yaml", $"vse: 1\nname: app\nextends: {shadow}\n");

        var outcome = await RunWithDeadlineAsync(workspace, "validate", "app.vse.yaml");

        OneErrorLine(outcome, 2, "VSE0111");
        Assert.DoesNotContain(Secret, outcome.Stderr + outcome.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("daemon", outcome.Stderr + outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ten_mebibyte_description_is_one_error_and_exit_2()
    {
        using var workspace = new Workspace();
        var text = new StringBuilder("vse: 1\nname: app\ndescription: \"");
        text.Append('x', 10 * 1024 * 1024).Append("\"\n");
        workspace.Write("app.vse.yaml", text.ToString());

        OneErrorLine(await RunWithDeadlineAsync(workspace, "validate", "app.vse.yaml"), 2, "VSE0102");
    }

    [Theory]
    [InlineData("run: \"true\\0; id\"")] // a NUL would cut the command short after the check
    [InlineData("packages: [\"vim\\n\"]")] // a trailing newline used to pass the name's pattern
    public async Task A_nul_or_a_trailing_newline_escaped_into_a_value_is_one_error_and_exit_2(string body)
    {
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\n" + body + "\n");

        OneErrorLine(await RunWithDeadlineAsync(workspace, "validate", "app.vse.yaml"), 2, "VSE0204");
    }

    [SkippableFact]
    public async Task A_description_that_extends_nothing_is_held_to_the_site_wide_policy()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("site/policy.vse.yaml", "vse: 1\nname: site-policy\npolicy:\n  allow:\n    mounts: [/scratch/**]\n");
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\nmounts: {/host-etc: {source: /etc}}\n");

        OneErrorLine(await RunWithDeadlineAsync(workspace, "validate", "app.vse.yaml"), 3, "VSE0603");
    }

    [Fact]
    public async Task A_user_file_shadowing_a_site_name_is_refused_with_exit_3()
    {
        using var workspace = new Workspace();
        workspace.Write("site/site/base.vse.yaml", "vse: 1\nname: site/base\n");
        workspace.Write("proj/site/base.vse.yaml", "vse: 1\nname: site/base\n");
        workspace.Write("proj/app.vse.yaml", "vse: 1\nname: app\nextends: site/base\nmounts: {/host-etc: {source: /etc}}\n");

        var outcome = await RunWithDeadlineAsync(workspace, "validate", "proj/app.vse.yaml");

        OneErrorLine(outcome, 3, "VSE0607");
        Assert.StartsWith("proj/app.vse.yaml:3:10: error:", outcome.ErrorLines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--instances", "2147483647")]
    [InlineData("--per-node", "2147483647")]
    [InlineData("--instances", "65537")]
    public async Task A_deployment_size_above_the_built_in_bound_is_refused_before_any_build_with_exit_2(string option, string value)
    {
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\nos: {base: busybox}\n");

        var outcome = await RunWithDeadlineAsync(workspace, "deploy", "app.vse.yaml", option, value);

        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}, stderr:\n{outcome.Stderr}");
        Assert.Contains("65536", Assert.Single(outcome.ErrorLines), StringComparison.Ordinal);
        // Refused before anything was built (not after building and starting up to the bound):
        // no layer exists.
        Assert.Empty(Directory.Exists(Path.Combine(workspace.VseHome, "layers")) ? Directory.GetFileSystemEntries(Path.Combine(workspace.VseHome, "layers")) : []);
    }

    [Fact]
    public async Task A_step_that_contradicts_the_image_is_bad_input_with_exit_2_not_a_host_failure()
    {
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", """
            vse: 1
            name: app
            os: {base: busybox}
            files:
              - {write: /etc/motd, content: "x"}
              - {write: /etc/motd/inner, content: "y"}
            """);

        var outcome = await RunWithDeadlineAsync(workspace, "build", "app.vse.yaml");

        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}, stderr:\n{outcome.Stderr}");
        Assert.Equal(
            ["vse: error: step 3/4 'write /etc/motd/inner': cannot create '/etc/motd/inner' in the image: '/etc/motd' is not a directory"],
            outcome.ErrorLines);
    }

    [Fact]
    public async Task A_device_path_that_climbs_out_of_dev_is_refused_by_the_schema()
    {
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\ndevices: [/dev/../etc/shadow]\n");

        OneErrorLine(await RunWithDeadlineAsync(workspace, "validate", "app.vse.yaml"), 2, "VSE0204");
    }

    [Fact]
    public async Task Devices_no_site_policy_allows_are_refused_by_validate_deploy_and_run()
    {
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\nos: {base: busybox}\ndevices: [/dev/fuse]\n");

        foreach (var command in new[] { new[] { "validate", "app.vse.yaml" }, ["deploy", "app.vse.yaml"], ["run", "app.vse.yaml", "--", "true"] })
        {
            var outcome = await RunWithDeadlineAsync(workspace, command);
            OneErrorLine(outcome, 3, "VSE0609");
            Assert.StartsWith("app.vse.yaml:4:", outcome.ErrorLines[0], StringComparison.Ordinal);
        }
    }
}
