using System.Xml.Linq;

namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse test</c> on a small matrix (busybox, sandbox, two cells, one failing on purpose): the
/// summary, the JUnit XML, the exit code, and <c>--keep-failed</c> leaving the failed cell's
/// deployment up; and a cluster matrix over both drivers, its VM cell a virtual cluster of two
/// VMs on a private network (the example matrix's 8 cells take too long for CI under TCG: docs/testing.md).
/// </summary>
public sealed class TestCommandTests
{
    [SkippableFact]
    public async Task A_matrix_with_a_failing_cell_reports_it_in_junit_and_keeps_its_deployment()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("pass.vse.yaml", "vse: 1\nname: t/pass\nos: {base: busybox}\n");
        workspace.Write("fail.vse.yaml", "vse: 1\nname: t/fail\nos: {base: busybox}\nenv: {MUST_FAIL: \"yes\"}\n");
        workspace.Write("matrix.yaml", """
            vse-test: 1
            name: smoke
            command: 'echo "cell $VSE_TEST_DESCRIPTION x$VSE_TEST_INSTANCES on $(hostname)"; [ -z "$MUST_FAIL" ]'
            matrix:
              descriptions: [pass.vse.yaml, fail.vse.yaml]
              drivers: [sandbox]
              instances: [1]
            """);

        var run = await workspace.RunAsync("test", "matrix.yaml", "--junit", "results.xml", "--keep-failed", "--jobs", "2");
        Assert.True(run.ExitCode == 1, run.Stdout + run.Stderr);
        Assert.Contains("1 passed, 1 failed, 0 errors", run.Stdout);
        Assert.Contains("cell fail.vse.yaml x1 on t-fail-0", run.Stdout);

        var suite = XDocument.Load(Path.Combine(workspace.Root, "results.xml")).Root!.Element("testsuite")!;
        Assert.Equal(("2", "1", "0"), ((string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!, (string)suite.Attribute("errors")!));
        var cases = suite.Elements("testcase").ToDictionary(c => (string)c.Attribute("classname")!);
        Assert.Null(cases["pass.vse.yaml"].Element("failure"));
        Assert.Contains("cell pass.vse.yaml x1 on t-pass-0", (string)cases["pass.vse.yaml"].Element("system-out")!);
        var failure = cases["fail.vse.yaml"].Element("failure")!;
        Assert.StartsWith("exit code 1; deployment ", (string)failure.Attribute("message")!);

        // The failed cell's deployment is up, named in the output; the passed one's is gone.
        var kept = ((string)failure.Attribute("message")!).Split(' ')[4];
        Assert.Contains($"kept deployment {kept}", run.Stdout);
        var ps = await workspace.RunAsync("ps");
        Assert.Contains(kept, ps.Stdout);
        Assert.DoesNotContain("t-pass", ps.Stdout);
        Assert.Equal(1, (await workspace.RunAsync("exec", kept, "--", "/bin/sh", "-c", "[ -z \"$MUST_FAIL\" ]")).ExitCode);
        Assert.Equal(0, (await workspace.RunAsync("cleanup", kept)).ExitCode);
    }

    [SkippableFact]
    public async Task A_cluster_matrix_runs_its_cells_in_sandboxes_and_in_vms()
    {
        Requirements.Root();
        Requirements.Tool("qemu-system-x86_64");
        using var workspace = new Workspace();
        workspace.Write("cluster.vse.yaml", """
            vse: 1
            name: t/cluster
            os: {base: busybox, kernel: "package:linux-image-amd64"}
            network: {mode: private}
            resources: {memory: 256Mi}
            """);
        workspace.Write("matrix.yaml", """
            vse-test: 1
            name: cluster
            command: 'n=$(wc -l < /etc/vse/hostfile); echo "$VSE_TEST_DRIVER x$VSE_TEST_INSTANCES: $n nodes, kernel $(uname -r)"; [ "$n" -eq "$VSE_TEST_INSTANCES" ]'
            matrix:
              descriptions: [cluster.vse.yaml]
              drivers: [sandbox, vm]
              instances: [2]
            """);

        var run = await workspace.RunAsync("test", "matrix.yaml", "--junit", "results.xml", "--jobs", "2");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("2 passed, 0 failed, 0 errors", run.Stdout);

        var cases = XDocument.Load(Path.Combine(workspace.Root, "results.xml")).Root!.Element("testsuite")!.Elements("testcase").ToList();
        Assert.Equal(2, cases.Count);
        var outputs = cases.Select(c => (string)c.Element("system-out")!).ToList();
        var host = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        Assert.Contains($"sandbox x2: 2 nodes, kernel {host}", string.Join('\n', outputs));
        // The VM cell ran on the description's kernel, not the host's.
        var vm = Assert.Single(outputs, output => output.Contains("vm x2: 2 nodes, kernel ", StringComparison.Ordinal));
        Assert.DoesNotContain(host, vm);
        Assert.DoesNotContain("t-cluster", (await workspace.RunAsync("ps")).Stdout);
    }

    [SkippableFact]
    public async Task A_bad_matrix_is_one_error_line_at_its_position_and_exit_code_2()
    {
        using var workspace = new Workspace();
        workspace.Write("matrix.yaml", "vse-test: 1\ncommand: 'true'\nmatrix:\n  descriptions: [missing.vse.yaml]\n");
        var run = await workspace.RunAsync("test", "matrix.yaml");
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Matches(@"matrix\.yaml:4:18: error: description 'missing\.vse\.yaml' not found .* \[VSE0237\]$", line);
    }
}
