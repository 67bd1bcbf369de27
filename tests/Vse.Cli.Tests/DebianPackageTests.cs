using System.Diagnostics;

namespace Vse.Cli.Tests;

/// <summary>
/// The Debian package (scripts/build-deb.sh, docs/install.md) on this machine as the fresh
/// machine's stand-in: built, installed with apt-get into the real system (a throwaway root
/// with dpkg --root has neither the dependencies nor a way to run vse without a chroot), used
/// by an ordinary user with no set-up at all, then purged.
/// </summary>
[Collection(NativePublishCollection.Name)]
public sealed class DebianPackageTests
{
    private const string UserName = "vse-package-user";

    [SkippableFact]
    public async Task The_package_installs_with_apt_and_an_ordinary_user_runs_version_doctor_a_busybox_description_and_builds_runs_and_deploys_a_debian_cluster_with_a_compile_step()
    {
        Requirements.Root();
        Requirements.Tool("dpkg-deb");
        Requirements.Tool("dpkg-shlibdeps");
        var aptGet = Requirements.Tool("apt-get");
        var setpriv = Requirements.Tool("setpriv");
        if ((await RunAsync("dpkg-query", "-W", "-f=${Status}", "vse")).Stdout.Contains("installed", StringComparison.Ordinal))
        {
            Requirements.Missing("a vse package is installed on this machine already; this test installs and purges its own");
        }

        // An ordinary user (not a system one): useradd gives it subordinate ids, which its Debian builds map.
        var (uid, gid) = await UnprivilegedUser.EnsureAsync(UserName, system: false);
        var scratch = Directory.CreateTempSubdirectory("vse-deb-").FullName;
        try
        {
            var built = await RunAsync(Path.Combine(Workspace.RepositoryRoot(), "scripts", "build-deb.sh"), scratch);
            Assert.True(built.ExitCode == 0, built.Stderr);
            var deb = built.Stdout.Trim();
            Assert.Matches(@"/vse_\d+\.\d+\.\d+_amd64\.deb$", deb);
            var version = (await RunAsync("dpkg-deb", "-f", deb, "Version")).Stdout.Trim();
            var depends = (await RunAsync("dpkg-deb", "-f", deb, "Depends")).Stdout;
            Assert.Contains("libc6 (>=", depends);
            Assert.Contains("runc | crun", depends);
            var contents = (await RunAsync("dpkg-deb", "-c", deb)).Stdout;
            Assert.Contains("root/root", contents);
            Assert.DoesNotContain(contents.Split('\n'), line => line.Length > 0 && !line.Contains("root/root", StringComparison.Ordinal));

            try
            {
                var install = await RunAsync(aptGet, "install", "-y", "-q", "--no-install-recommends", deb);
                Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);
                var conffiles = (await RunAsync("dpkg-query", "-W", "-f=${Conffiles}", "vse")).Stdout;
                Assert.Contains(" /etc/vse/README ", conffiles);
                Assert.Contains(" /etc/vse/policy.vse.yaml.example ", conffiles);
                var installedSize = long.Parse((await RunAsync("dpkg-query", "-W", "-f=${Installed-Size}", "vse")).Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
                var files = (await RunAsync("dpkg-query", "-L", "vse")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Where(f => new FileInfo(f) is { Exists: true, LinkTarget: null }).Sum(f => new FileInfo(f).Length);
                // Installed-Size counts KiB of the files (du --apparent-size also counts directories' own sizes).
                Assert.InRange(installedSize, files / 1024, files / 1024 + 1024);

                // The user: a home of their own and nothing else, no VSE_* variable, vse found on PATH.
                var home = Directory.CreateDirectory(Path.Combine(scratch, "home")).FullName;
                File.SetUnixFileMode(scratch, (UnixFileMode)0x1ED);
                await File.WriteAllTextAsync(Path.Combine(home, "hello.vse.yaml"), "vse: 1\nname: apps/hello\nextends: base/busybox\n");
                await UnprivilegedUser.ChownAsync(home, uid, gid);

                var shown = await AsUserAsync(setpriv, uid, gid, home, "--version");
                Assert.True(shown.ExitCode == 0, shown.Stderr);
                Assert.StartsWith(version + "+", shown.Stdout);

                var doctor = await AsUserAsync(setpriv, uid, gid, home, "doctor");
                Assert.True(doctor.ExitCode == 0, doctor.Stdout + doctor.Stderr);

                var run = await AsUserAsync(setpriv, uid, gid, home, "run", "hello.vse.yaml", "--", "sh", "-c", "echo hello from $(id -u)");
                Assert.True(run.ExitCode == 0, run.Stderr);
                Assert.Equal("hello from 0\n", run.Stdout);
                Assert.True(Directory.Exists(Path.Combine(home, ".local", "share", "vse", "store")));

                // Issue 14's Done-when with the installed package and no further set-up: a Debian-based
                // environment with packages and a compile step (tcc: a small C compiler), run, then a
                // 4-instance private cluster whose instance 3 reaches instance 0 by its hostname.
                File.Copy(Path.Combine(Workspace.RepositoryRoot(), "tests", "cgroupv2-twin", "guest", "twin-echo.c"), Path.Combine(home, "twin-echo.c"));
                await File.WriteAllTextAsync(Path.Combine(home, "app.vse.yaml"), """
                    vse: 1
                    name: user/app
                    os: {base: "debian:bookworm", variant: minbase}
                    packages: [tcc, libc6-dev]
                    files: [{copy: ./twin-echo.c, to: /src/twin-echo.c}]
                    build:
                      - {run: "tcc -o /usr/local/bin/twin-echo /src/twin-echo.c"}
                    """);
                await File.WriteAllTextAsync(Path.Combine(home, "cluster.vse.yaml"), "vse: 1\nname: user/cluster\nextends: ./app.vse.yaml\nnetwork: {mode: private}\n");
                await UnprivilegedUser.ChownAsync(home, uid, gid);

                var build = await AsUserAsync(setpriv, uid, gid, home, "build", "cluster.vse.yaml");
                Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
                var hello = await AsUserAsync(setpriv, uid, gid, home, "run", "--runtime", "vse-launch", "app.vse.yaml", "--", "/usr/local/bin/twin-echo", "hello");
                Assert.True(hello.ExitCode == 0, hello.Stderr);
                Assert.Equal("hello from tcc\n", hello.Stdout);
                var deployed = await AsUserAsync(setpriv, uid, gid, home, "deploy", "--runtime", "vse-launch", "-n", "4", "cluster.vse.yaml");
                Assert.True(deployed.ExitCode == 0, deployed.Stderr);
                var cluster = deployed.Stdout.Trim();
                try
                {
                    var serve = await AsUserAsync(setpriv, uid, gid, home, "exec", cluster + "/0", "--", "sh", "-c", "/usr/local/bin/twin-echo serve 7000 </dev/null >/tmp/served 2>&1 &");
                    Assert.True(serve.ExitCode == 0, serve.Stderr);
                    VseProcess.Outcome? sent = null;
                    await Poll.UntilAsync(async () =>
                    {
                        sent = await AsUserAsync(setpriv, uid, gid, home, "exec", cluster + "/3", "--", "/usr/local/bin/twin-echo", "send", "user-cluster-0", "7000", "from-3");
                        return sent.ExitCode == 0;
                    }, "instance 3 reaching instance 0's listener by its hostname");
                    Assert.Equal("from-3 via user-cluster-0\n", sent!.Stdout);
                }
                finally
                {
                    var cleanup = await AsUserAsync(setpriv, uid, gid, home, "cleanup", cluster);
                    Assert.True(cleanup.ExitCode == 0, cleanup.Stderr);
                }
            }
            finally
            {
                var purge = await RunAsync("dpkg", "--purge", "vse");
                Assert.True(purge.ExitCode == 0, purge.Stderr);
            }

            Assert.False(File.Exists("/usr/bin/vse"));
            Assert.False(Directory.Exists("/usr/lib/vse"));
            Assert.False(File.Exists("/etc/vse/policy.vse.yaml.example"));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The installed vse as the user: setpriv with a bare environment, as a login would give.</summary>
    private static Task<VseProcess.Outcome> AsUserAsync(string setpriv, uint uid, uint gid, string home, params string[] args) =>
        RunAsync(setpriv, [$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--", "env", "-i", $"HOME={home}", "PATH=/usr/local/bin:/usr/bin:/bin", "vse", .. args], home);

    private static Task<VseProcess.Outcome> RunAsync(string tool, params string[] args) => RunAsync(tool, args, null);

    private static async Task<VseProcess.Outcome> RunAsync(string tool, string[] args, string? workingDirectory)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "/" };
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new VseProcess.Outcome(process.ExitCode, await stdout, await stderr);
    }
}
