namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse build --check</c> passes for the shipped descriptions (issue 16, Done when): the busybox
/// ones here, each rebuilt without cache in a workspace of its own (seconds each; testbed's
/// online step starts an instance whose syslogd logs with the time). The Debian ones take
/// minutes each under <c>--no-cache</c>: <c>bench/check-examples.sh --with-debian</c> checks them,
/// its result is in bench/RESULTS.md.
/// </summary>
public sealed class ExampleBuildCheckTests
{
    /// <summary>Busybox-based: checked here. Paths relative to the repository.</summary>
    private static readonly string[] BusyboxDescriptions =
    [
        "descriptions/base/busybox.vse.yaml",
        "examples/site/site/tiny.vse.yaml",
        "examples/apps/hello/hello.vse.yaml",
        "examples/apps/testbed/testbed.vse.yaml",
    ];

    /// <summary>Debian-based: checked by bench/check-examples.sh --with-debian.</summary>
    private static readonly string[] DebianDescriptions =
    [
        "descriptions/base/debian.vse.yaml",
        "examples/site/vendor/debian.vse.yaml",
        "examples/site/site/hpc.vse.yaml",
        "examples/testing/netcheck.vse.yaml",
        "examples/apps/mpi-ring/mpi-ring.vse.yaml",
        "examples/apps/scratch/scratch.vse.yaml",
        "examples/apps/lammps/lammps.vse.yaml",
    ];

    public static TheoryData<string> Busybox => [.. BusyboxDescriptions];

    [Fact]
    public void Every_shipped_description_is_checked_here_or_by_the_bench_script()
    {
        var root = Workspace.RepositoryRoot();
        var shipped = new[] { "descriptions", "examples" }
            .SelectMany(directory => Directory.EnumerateFiles(Path.Combine(root, directory), "*.vse.yaml", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(root, path))
            // The site policy holds rules only: nothing to build.
            .Where(path => path != Path.Combine("examples", "site-policy", "policy.vse.yaml"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(BusyboxDescriptions.Concat(DebianDescriptions).Order(StringComparer.Ordinal), shipped);
    }

    [SkippableTheory]
    [MemberData(nameof(Busybox))]
    public async Task A_busybox_description_shipped_rebuilds_identical(string description)
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        using var workspace = new Workspace();
        // The example site as the site directory, as bench/check-examples.sh runs it (VSE_SITE_DIR=examples/site).
        workspace.UseExample("hello");

        var checkedBuild = await workspace.RunAsync("build", Path.Combine(Workspace.RepositoryRoot(), description), "--check");

        Assert.True(checkedBuild.ExitCode == 0, checkedBuild.Stdout + checkedBuild.Stderr);
        Assert.Contains("layers rebuilt identical", checkedBuild.Stdout);
    }
}
