using Vse.Description.Model;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Tests.Drivers;
using Vse.Runtime.Tests.Support;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>
/// Root's launched instances with a syscall filter get their root in a copy of the launch's mount
/// namespace template (vse-launch's <c>jail_template</c>: an empty read-only tmpfs, the overlay
/// attached on its <c>/root</c>, a chroot there) instead of a <c>pivot_root</c> each, which walks
/// every task on the host (docs/runtime.md, "Scale"). A chroot can be escaped with CAP_SYS_CHROOT,
/// which instances have (Docker's set): the escape must find nothing but that empty tmpfs. An
/// unconfined instance still pivots (a chrooted process may not make a user namespace), and its
/// escape finds its own root. That the instance's mounts, /sys and /proc are as before is the
/// conformance suite's (<see cref="LaunchedSandboxDriverConformanceTests"/>).
/// </summary>
public sealed class LaunchMountTemplateTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    /// <summary>The classic escape: chroot into a subdirectory while the cwd stays above it, climb, chroot("."); then list "/" and try to write there.</summary>
    private const string EscapeSource = """
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/stat.h>
        #include <unistd.h>
        int main(void) {
            mkdir("/escape-dir", 0700);
            if (chroot("/escape-dir") < 0) { perror("chroot"); return 1; }
            for (int i = 0; i < 64; i++) if (chdir("..") < 0) { perror("chdir"); return 1; }
            if (chroot(".") < 0) { perror("chroot ."); return 1; }
            DIR *d = opendir("/");
            if (!d) { perror("opendir"); return 1; }
            for (struct dirent *e; (e = readdir(d));) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) printf("%s\n", e->d_name);
            if (mkdir("/escaped-write", 0700) < 0) perror("mkdir");
            return 0;
        }
        """;

    private readonly TempDirectory _directory = new("vse-mount-template-test-");

    [SkippableFact]
    public async Task A_chroot_escape_from_a_filtered_instance_finds_only_the_templates_empty_read_only_root()
    {
        var escaped = await EscapeAsync(unconfined: false);

        Assert.True(escaped.ExitCode == 0, escaped.Stderr);
        Assert.Equal("root\n", escaped.Stdout);
        Assert.Equal("mkdir: Read-only file system\n", escaped.Stderr);
        // The instance was never mounted in the host's table (cloned without a mount namespace of
        // its own, it made only detached mounts until it entered the template's copy).
        Assert.False(escaped.InHostMountTable);
    }

    [SkippableFact]
    public async Task An_unconfined_instance_pivots_and_its_escape_finds_only_its_own_root()
    {
        var escaped = await EscapeAsync(unconfined: true);

        Assert.True(escaped.ExitCode == 0, escaped.Stderr);
        Assert.Equal("", escaped.Stderr);
        // Listed before it wrote there; its own root is where the write went.
        Assert.Equal(Sorted(escaped.OwnRoot), Sorted(escaped.Stdout + "escaped-write\n"));
    }

    [SkippableTheory]
    [InlineData(false, "init.log init.pid upper work")]
    [InlineData(true, "init.log init.pid rootfs upper work")]
    public async Task Only_an_instance_that_pivots_gets_a_rootfs_directory_in_its_state_and_the_launcher_makes_it(bool unconfined, string expected)
    {
        // vse makes upper/ and work/ only (one ext4 directory less per instance of a bulk deploy);
        // the launcher makes rootfs/ where it mounts the overlay to pivot into it.
        var driver = fixture.RequireLaunchedDriver();
        await using var instance = await RunningInstance.StartAsync(driver, Spec(await CompileEscapeAsync(), unconfined));
        var (exitCode, _, stderr) = await instance.ExecAsync("true");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(expected, string.Join(' ', Directory.EnumerateFileSystemEntries(instance.Handle.StateDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal)));
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Runs the escape in a new instance; with what <c>ls -A /</c> lists there afterwards and whether the host's mount table names its state directory meanwhile.</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr, string OwnRoot, bool InHostMountTable)> EscapeAsync(bool unconfined)
    {
        var driver = fixture.RequireLaunchedDriver();
        var escape = await CompileEscapeAsync();
        await using var instance = await RunningInstance.StartAsync(driver, Spec(escape, unconfined));
        var (exitCode, stdout, stderr) = await instance.ExecAsync("/escape");
        var (_, own, _) = await instance.ExecAsync("ls", "-A", "/");
        var inHostTable = File.ReadLines("/proc/self/mountinfo").Any(l => l.Contains(instance.Handle.StateDirectory, StringComparison.Ordinal));
        return (exitCode, stdout, stderr, own, inHostTable);
    }

    private static string[] Sorted(string lines) => [.. lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    private async Task<string> CompileEscapeAsync()
    {
        var gcc = Requirements.Tool("gcc");
        var source = _directory.Combine("escape.c");
        var binary = _directory.Combine("escape");
        await File.WriteAllTextAsync(source, EscapeSource);
        await ExternalTool.RunAsync(gcc, ["-static", "-O2", "-o", binary, source], CancellationToken.None);
        return binary;
    }

    private InstanceSpec Spec(string escape, bool unconfined)
    {
        var id = "template-" + Guid.NewGuid().ToString("N")[..10];
        return new InstanceSpec(
            id, "template", fixture.Rootfs, Path.Combine(fixture.StateRoot, id), new Dictionary<string, string> { ["PATH"] = "/bin" },
            [new InstanceMount("/escape", escape, ReadOnly: true)], Cpus: null, MemoryBytes: null, NetworkMode.None, [])
        {
            Security = unconfined ? new SecuritySettings(SeccompUnconfined: true, []) : null,
        };
    }
}
