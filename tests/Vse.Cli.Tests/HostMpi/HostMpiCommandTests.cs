using Vse.Host.Processes;

namespace Vse.Cli.Tests.HostMpi;

/// <summary>
/// One workspace for <see cref="HostMpiCommandTests"/>: a Debian bookworm image with Debian's MPICH
/// and a program compiled against it in the build, built by the first test and reused by the others
/// (the same layers, whichever runtime starts it).
/// </summary>
public sealed class MpichImageWorkspace : IDisposable
{
    public const string Description = """
        vse: 1
        name: mpich-app
        os: {base: "debian:bookworm", variant: minbase}
        packages: [mpich, libmpich-dev, gcc, libc6-dev]
        files:
          - {id: src, copy: ./mpi-which.c, to: /opt/mpi-which.c}
        build:
          - {id: compile, run: mpicc -O2 -o /usr/local/bin/mpi-which /opt/mpi-which.c}
        env: {PATH: /usr/local/bin:/usr/bin:/bin}
        mpi: host

        """;

    public MpichImageWorkspace()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "HostMpi", "mpi-which.c"), Path.Combine(Workspace.Root, "mpi-which.c"));
        Workspace.Write("app.vse.yaml", Description);
        Workspace.Write("own.vse.yaml", Description.Replace("mpi: host", "mpi: image", StringComparison.Ordinal));
    }

    public Workspace Workspace { get; } = new();

    public void Dispose() => Workspace.Dispose();
}

/// <summary>
/// Issue 17, item 4, end to end: <c>mpi: host</c> runs an image's MPI program on the host's MPICH
/// on both sandbox start paths (the rank's /proc/self/maps shows the bound library, and that file
/// is the host's: same device and inode), the image's own MPICH without it, and every refusal
/// (another ABI release, an image without MPI, the VM driver, site policy) is one line with its
/// code and exit status, before any instance starts.
/// </summary>
public sealed class HostMpiCommandTests(MpichImageWorkspace image) : IClassFixture<MpichImageWorkspace>
{
    private const string HostMpich = "/usr/lib/x86_64-linux-gnu/libmpich.so.12";

    /// <summary>
    /// A busybox image with an MPI by its file names only (a versioned file and its soname, fake
    /// libraries): all that choosing the host's library reads of an image, and cheap to build.
    /// </summary>
    private static string NamedMpiImage(string name, string versionedFile, string soname) => $$"""
        vse: 1
        name: {{name}}
        os: {base: busybox}
        files:
          - {write: /usr/lib/x86_64-linux-gnu/{{versionedFile}}, content: "not a library\n"}
          - {write: /usr/lib/x86_64-linux-gnu/{{soname}}, content: "the soname\n"}
        mpi: host

        """;

    /// <summary>The error line of a command that built first (its progress lines come before it on stderr).</summary>
    private static string LastLine(string stderr) => stderr.TrimEnd().Split('\n')[^1];

    /// <summary>The host file's device and inode, as the program inside prints its library's (<c>stat</c>'s <c>%d:%i</c> is st_dev:st_ino).</summary>
    private static async Task<string> DeviceAndInodeAsync(string path) =>
        (await ExternalTool.RunAsync("stat", ["-L", "-c", "%d:%i", path], CancellationToken.None)).Stdout.Trim();

    [SkippableTheory]
    [InlineData("runc")]
    [InlineData("vse-launch")]
    public async Task The_images_mpi_program_runs_on_the_hosts_mpich(string runtime)
    {
        Requirements.Root();
        Requirements.Tool("mmdebstrap");
        Skip.IfNot(File.Exists(HostMpich), "this host has no MPICH (scripts/install-deps.sh installs libmpich-dev)");
        var host = await DeviceAndInodeAsync(HostMpich);

        var run = await image.Workspace.RunAsync("run", "app.vse.yaml", "--runtime", runtime, "--", "mpiexec", "-launcher", "fork", "-n", "2", "/usr/local/bin/mpi-which");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        for (var rank = 0; rank < 2; rank++)
        {
            Assert.Contains($"rank {rank} of 2: /usr/local/vse-mpi/lib/libmpich.so.12 {host} sum 1; MPICH Version:", run.Stdout, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Without_it_the_program_runs_on_the_images_own_mpich()
    {
        Requirements.Root();
        Requirements.Tool("mmdebstrap");
        var host = File.Exists(HostMpich) ? await DeviceAndInodeAsync(HostMpich) : "none";

        var run = await image.Workspace.RunAsync("run", "own.vse.yaml", "--runtime", "runc", "--", "/usr/local/bin/mpi-which");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.StartsWith("rank 0 of 1: /usr/lib/x86_64-linux-gnu/libmpich.so.12.2.2 ", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(host, run.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_open_mpi_of_another_release_series_than_the_hosts_is_refused_before_anything_starts()
    {
        Requirements.Root();
        var hostOpenMpi = "/usr/lib/x86_64-linux-gnu/libmpi.so.40.30.4";
        Skip.IfNot(File.Exists(hostOpenMpi), "this host has no Open MPI 4.1 (Debian bookworm's libopenmpi3)");
        using var workspace = new Workspace();
        // An image whose Open MPI is of the 4.0 series (libtool age 20): a fake library, named as Open MPI names its files.
        workspace.Write("app.vse.yaml", NamedMpiImage("old-ompi", "libmpi.so.40.20.0", "libmpi.so.40"));

        var run = await workspace.RunAsync("run", "app.vse.yaml", "--", "true");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            "app.vse.yaml:7:6: error: 'mpi: host' refused: the image's MPI is Open MPI series libmpi.so.40.20 (/usr/lib/x86_64-linux-gnu/libmpi.so.40.20.0) "
            + $"and the host's is Open MPI series libmpi.so.40.30 ({hostOpenMpi}): Open MPI of another release series [VSE0217]",
            LastLine(run.Stderr));
    }

    [SkippableFact]
    public async Task An_image_without_mpi_the_vm_driver_and_a_forbidding_site_are_each_one_line()
    {
        Requirements.Root();
        Skip.IfNot(File.Exists(HostMpich) || File.Exists("/usr/lib/x86_64-linux-gnu/libmpi.so.40"), "this host has no MPI in its linker cache");
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\nos: {base: busybox}\nmpi: host\n");

        var noMpi = await workspace.RunAsync("run", "app.vse.yaml", "--", "true");
        var vm = await workspace.RunAsync("deploy", "app.vse.yaml", "--driver", "vm");
        workspace.Write("site/policy.vse.yaml", "vse: 1\npolicy: {allow: {mpi: [image]}}\n");
        var forbidden = await workspace.RunAsync("deploy", "app.vse.yaml");

        Assert.Equal(2, noMpi.ExitCode);
        Assert.StartsWith("app.vse.yaml:4:6: error: 'mpi: host' stands the host's MPI in for the image's, and the image has none: no libmpi.so.12, libmpich.so.12, libmpi.so.40 in the image's /usr/lib/x86_64-linux-gnu", LastLine(noMpi.Stderr), StringComparison.Ordinal);
        Assert.EndsWith("[VSE0216]", LastLine(noMpi.Stderr), StringComparison.Ordinal);
        Assert.Equal(2, vm.ExitCode);
        Assert.Contains("app.vse.yaml:4:6: error: 'mpi: host' binds the host's MPI libraries into sandbox instances; a VM's guest has its own file system", vm.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, forbidden.ExitCode);
        Assert.Contains("app.vse.yaml:4:6: error: 'mpi: host' is not allowed by site policy (allow.mpi of ", forbidden.Stderr, StringComparison.Ordinal);
        Assert.Contains("[VSE0610]", forbidden.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The host is looked at once per deploy: the preparation selects the grant after the build and
    /// hands it to the deployment, which looked at the host again. The image carries MPICH's
    /// library names only (a busybox image: cheap), which is all the selection reads; an
    /// <c>ldconfig</c> first on PATH counts the listings of the host's linker cache.
    /// </summary>
    [SkippableFact]
    public async Task A_deploy_lists_the_hosts_linker_cache_once_and_binds_what_it_selected()
    {
        using var workspace = new Workspace();
        var (environment, log) = CountingLinkerCache(workspace);

        var deployed = await VseProcess.RunAsync(workspace.Root, environment, "deploy", "app.vse.yaml");
        var id = deployed.Stdout.Trim().Split('\n')[^1];
        try
        {
            Assert.True(deployed.ExitCode == 0, deployed.Stderr);
            Assert.Equal(["-p"], File.ReadAllLines(log));
            var bound = await workspace.RunAsync("exec", id, "--", "sh", "-c", "ls /usr/local/vse-mpi/lib; echo $LD_LIBRARY_PATH");
            Assert.True(bound.ExitCode == 0, bound.Stderr);
            Assert.Contains("libmpich.so.12\n", bound.Stdout, StringComparison.Ordinal);
            Assert.Contains("/usr/local/vse-mpi/lib\n", bound.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await workspace.RunAsync("cleanup", id);
        }
    }

    [SkippableFact]
    public async Task A_one_shot_run_lists_the_hosts_linker_cache_once_and_binds_what_it_selected()
    {
        using var workspace = new Workspace();
        var (environment, log) = CountingLinkerCache(workspace);

        var run = await VseProcess.RunAsync(workspace.Root, environment, "run", "app.vse.yaml", "--", "sh", "-c", "ls /usr/local/vse-mpi/lib");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(["-p"], File.ReadAllLines(log));
        Assert.Contains("libmpich.so.12\n", run.Stdout, StringComparison.Ordinal);
    }

    /// <summary>An image with an MPI, and an <c>ldconfig</c> first on PATH that logs each call before it runs the real one.</summary>
    private static (Dictionary<string, string> Environment, string Log) CountingLinkerCache(Workspace workspace)
    {
        Requirements.Root();
        Skip.IfNot(File.Exists(HostMpich), "this host has no MPICH (scripts/install-deps.sh installs libmpich-dev)");
        workspace.Write("app.vse.yaml", NamedMpiImage("names-only", "libmpich.so.12.2.2", "libmpich.so.12"));
        var log = Path.Combine(workspace.Root, "ldconfig.log");
        var counting = workspace.Write("bin/ldconfig", $"#!/bin/sh\necho \"$*\" >> '{log}'\nexec '{ExternalTool.Require("ldconfig", "libc-bin")}' \"$@\"\n");
        File.SetUnixFileMode(counting, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string>(workspace.Environment)
        {
            ["PATH"] = Path.GetDirectoryName(counting) + ":" + Environment.GetEnvironmentVariable("PATH"),
        };
        return (environment, log);
    }
}
