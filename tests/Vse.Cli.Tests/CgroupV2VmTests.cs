using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Vse.Cli.Tests;

/// <summary>
/// The cgroup v2 twin (docs/testbed-vm.md, issue 14 item 4): this host is hybrid (v1 + v2), sites
/// run v2 only, so vse tests itself inside a vse VM whose Debian kernel has only the unified
/// hierarchy. The native-AOT vse (scripts/install.sh) reaches the guest through a 9p mount;
/// <c>tests/cgroupv2-twin/guest/checks.sh</c> runs there through <c>vse exec</c> and reports each
/// step; this test judges them. Issue 14's Done-when inside the guest (an ordinary user builds a
/// Debian-based environment with packages and a compile step, runs it, deploys a 4-instance
/// private cluster) runs on an offline site the test makes on the host: a site store and a local
/// apt repository, shared read-only (the guest has no route to a mirror).
/// </summary>
[Collection(NativePublishCollection.Name)]
public sealed class CgroupV2VmTests(ITestOutputHelper output)
{
    private const string Limited = "50331648 100000 100000"; // limited.vse.yaml: memory 48Mi, 1 cpu

    [SkippableFact]
    public async Task Inside_a_cgroup_v2_vm_vse_limits_freezes_root_and_delegated_user_instances_on_both_start_paths_starts_64_and_leaves_no_group_and_a_user_builds_runs_and_deploys_a_private_cluster_on_an_offline_site()
    {
        Requirements.Root();
        Requirements.Tool("qemu-system-x86_64");
        Requirements.Tool("mmdebstrap");
        Requirements.Tool("bwrap");
        Requirements.Tool("dpkg-scanpackages");
        var clock = Stopwatch.StartNew();
        var twin = Path.Combine(Workspace.RepositoryRoot(), "tests", "cgroupv2-twin");
        using var workspace = new Workspace();
        using var site = new OfflineSite(twin);
        var prefix = Directory.CreateDirectory(Path.Combine(workspace.Root, "prefix")).FullName;
        workspace.Write("twin.vse.yaml", $"""
            vse: 1
            name: testbed/cgroupv2-twin-test
            extends: "{Path.Combine(twin, "twin.vse.yaml")}"
            mounts:
              /opt/vse: {"{"}source: "{prefix}", mode: ro{"}"}
              /opt/twin: {"{"}source: "{Path.Combine(twin, "guest")}", mode: ro{"}"}
              /opt/site: {"{"}source: "{site.Root}", mode: ro{"}"}
            """);

        // The native-AOT publish and the Debian bases are the slow parts: side by side (the
        // publish is mostly CPU, the bases mostly downloads and dpkg). The site's base is
        // published first: the twin's own build finds the same Debian base layer in the site
        // store, so one cold Debian base serves both.
        var install = Vse.Host.Processes.ExternalTool.RunAsync(
            Path.Combine(Workspace.RepositoryRoot(), "scripts", "install.sh"), [prefix], CancellationToken.None);
        var environment = new Dictionary<string, string>(workspace.Environment) { ["VSE_SITE_DIR"] = site.Descriptions, ["VSE_SITE_STORE"] = site.Store };
        var build = PublishSiteThenBuildTwinAsync(site, workspace.Root, environment);
        await Task.WhenAll(install, build);
        Assert.True(install.Result.ExitCode == 0, install.Result.Stderr);
        Assert.True(build.Result.ExitCode == 0, build.Result.Stderr);
        output.WriteLine($"install.sh, the site's base and the twin's build: {clock.Elapsed.TotalSeconds:0} s");

        var deployed = await workspace.RunAsync("deploy", "--driver", "vm", "twin.vse.yaml");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        output.WriteLine($"twin booted: {clock.Elapsed.TotalSeconds:0} s");
        var id = deployed.Stdout.Trim();
        Dictionary<string, Step> steps;
        try
        {
            // A hang guard, not a time limit: under TCG on a host at load ~60 the checks, with the
            // user's Debian build on the offline site, ran past the default 25 minutes.
            var checks = await VseProcess.RunGuardedAsync(workspace.Root, workspace.Environment, TimeSpan.FromMinutes(45), "exec", id, "--", "sh", "/opt/twin/checks.sh");
            output.WriteLine($"checks done: {clock.Elapsed.TotalSeconds:0} s");
            output.WriteLine(checks.Stdout);
            Assert.True(checks.ExitCode == 0, checks.Stderr);
            steps = Step.Parse(checks.Stdout);
        }
        finally
        {
            Assert.Equal(0, (await workspace.RunAsync("cleanup", id)).ExitCode);
        }

        // The agent mounted the unified hierarchy, and it is the guest's only one.
        var mount = Succeeded(steps, "mount");
        Assert.StartsWith("cgroup2fs\n", mount.Stdout, StringComparison.Ordinal);
        Assert.Contains("0::/\n", mount.Stdout, StringComparison.Ordinal);

        // Root: doctor sees v2 and where instances go; vse makes /sys/fs/cgroup/vse and enables its controllers itself.
        Assert.Equal("", Succeeded(steps, "subtree-before").Stdout);
        var doctor = JsonNode.Parse(Succeeded(steps, "doctor").Stdout)!;
        Assert.Equal("v2", doctor["cgroups"]!["layout"]!.GetValue<string>());
        Assert.Equal("/sys/fs/cgroup/vse", doctor["cgroupPlacement"]!["v2Directory"]!.GetValue<string>());
        Assert.Superset(new HashSet<string> { "cpu", "memory", "pids" }, Controllers(doctor));
        Assert.DoesNotContain("warning", Succeeded(steps, "deploy-limited").Stderr, StringComparison.Ordinal);
        Assert.Matches($"^/sys/fs/cgroup/vse/[^/ ]+/ {Limited}\n$", Succeeded(steps, "limits").Stdout);
        Succeeded(steps, "under-limit");
        Assert.Equal(137, steps["over-limit"].ExitCode); // SIGKILL from the memory cgroup's OOM killer
        // suspend freezes the instance's group through cgroup.freeze, resume thaws it.
        Succeeded(steps, "suspend");
        Assert.Equal("1\nfrozen 1\n", Succeeded(steps, "frozen").Stdout);
        Succeeded(steps, "resume");
        Assert.Equal("0\nfrozen 0\n", Succeeded(steps, "thawed").Stdout);
        Succeeded(steps, "cleanup-limited");

        // runc (cgroupsPath) gets the same group and limits.
        Assert.DoesNotContain("warning", Succeeded(steps, "runc-deploy").Stderr, StringComparison.Ordinal);
        Assert.Matches($"^/sys/fs/cgroup/vse/[^/ ]+/ {Limited}\n$", Succeeded(steps, "runc-limits").Stdout);
        Assert.Equal(137, steps["runc-over-limit"].ExitCode);
        Succeeded(steps, "runc-cleanup");

        // 64 launched instances without a memory limit, each in a group of its own below
        // vse/unlimited-memory, with pids but no memory controller of its own; none left after cleanup.
        Succeeded(steps, "deploy-many");
        Assert.Equal("64\n", Succeeded(steps, "groups-many").Stdout);
        var shared = Succeeded(steps, "shared-memory-many").Stdout.Split('\n');
        Assert.DoesNotContain("memory", shared[0], StringComparison.Ordinal);
        Assert.Contains("pids", shared[0], StringComparison.Ordinal);
        Assert.Equal(["0", "64"], shared[1..3]);
        Assert.Contains("twin-plain-63", Succeeded(steps, "exec-many").Stdout, StringComparison.Ordinal);
        Succeeded(steps, "cleanup-many");
        Assert.Equal("", Succeeded(steps, "groups-left-root").Stdout);

        // An ordinary user in the root group, which is not hers: one warning per limit, and the instance runs.
        var undelegated = Succeeded(steps, "alice-undelegated");
        Assert.Equal("ran\n", undelegated.Stdout);
        Assert.Single(undelegated.ErrorLines, l => l.StartsWith("vse: warning: resources.memory is not applied: ", StringComparison.Ordinal));
        Assert.Single(undelegated.ErrorLines, l => l.StartsWith("vse: warning: resources.cpus is not applied: ", StringComparison.Ordinal));

        // In a group given to her: her instances go below it, with their limits, and go with cleanup.
        var aliceDoctor = JsonNode.Parse(Succeeded(steps, "alice-doctor").Stdout)!;
        Assert.Equal("/sys/fs/cgroup/job-alice/vse", aliceDoctor["cgroupPlacement"]!["v2Directory"]!.GetValue<string>());
        Assert.Superset(new HashSet<string> { "cpu", "memory" }, Controllers(aliceDoctor));
        Assert.DoesNotContain("warning", Succeeded(steps, "alice-deploy").Stderr, StringComparison.Ordinal);
        Assert.Matches($"^/sys/fs/cgroup/job-alice/vse/[^/ ]+/ {Limited}\n$", Succeeded(steps, "alice-limits").Stdout);
        Assert.Equal(137, steps["alice-over-limit"].ExitCode);
        Succeeded(steps, "alice-suspend");
        Assert.Equal("frozen 1\n", Succeeded(steps, "alice-frozen").Stdout);
        Succeeded(steps, "alice-resume");
        Succeeded(steps, "alice-cleanup");
        Assert.Equal("", Succeeded(steps, "groups-left-alice").Stdout);

        // The Done-when of issue 14 (an ordinary user builds on the site's Debian base with
        // packages and a compile step, runs it, deploys a 4-instance private cluster): the site
        // store is root's in the guest too, as its trust rule wants of a 9p share.
        Assert.Equal("root 755 /opt/site/store\nroot 755 /opt/site/store/layers\n", Succeeded(steps, "site-store").Stdout);
        var siteBuild = Succeeded(steps, "site-build");
        // The site's base is the site's layer, used where it lies (its rootfs.tar extracted into her store); her packages came from its repository.
        Assert.Equal(["[1/5]"], SiteStoreTests.CachedAtSite().Matches(siteBuild.Stdout).Select(m => m.Groups["step"].Value));
        Assert.Contains("4 built, 1 cached", siteBuild.Stdout, StringComparison.Ordinal);
        Assert.Equal("hello from tcc\n", Succeeded(steps, "site-run").Stdout);
        Assert.Contains("1 built, 4 cached", Succeeded(steps, "site-build-cluster").Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", Succeeded(steps, "site-deploy").Stderr, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1\tlocalhost\n10.77.0.1\ttwin-cluster-0\n10.77.0.2\ttwin-cluster-1\n10.77.0.3\ttwin-cluster-2\n10.77.0.4\ttwin-cluster-3\n", Succeeded(steps, "site-hosts").Stdout);
        Succeeded(steps, "site-serve");
        // Instance 3 reached instance 0 by its hostname through the fabric, and instance 0 got what it sent.
        Assert.Equal("from-3 via twin-cluster-0\n", Succeeded(steps, "site-send").Stdout);
        Assert.Equal("from-3\n", Succeeded(steps, "site-served").Stdout);
        Succeeded(steps, "site-cleanup");
        Assert.Equal("", Succeeded(steps, "site-left").Stdout);
        output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>
    /// Root makes the offline site (its local repository; site/offline-root, exported as the
    /// archive site/offline-debian starts from; site/offline-debian), each into the site store,
    /// then builds the twin with the same data directory and the site store in view (the same
    /// Debian base layer). The first failure is the outcome.
    /// </summary>
    private static async Task<VseProcess.Outcome> PublishSiteThenBuildTwinAsync(OfflineSite site, string workingDirectory, Dictionary<string, string> environment)
    {
        var repository = await Vse.Host.Processes.ExternalTool.RunAsync(
            Path.Combine(site.Twin, "offline-repo.sh"), [site.Repository, "tcc"], CancellationToken.None);
        if (repository.ExitCode != 0)
        {
            return new VseProcess.Outcome(repository.ExitCode, repository.Stdout, "offline-repo.sh: " + repository.Stderr);
        }

        foreach (var arguments in (string[][])[
            ["build", "--store", site.Store, "-o", "tar:" + site.Path("offline-root.tar"), site.Path("offline-root.vse.yaml")],
            ["build", "--store", site.Store, site.Path("offline-debian.vse.yaml")],
            ["build", "twin.vse.yaml"]])
        {
            var built = await VseProcess.RunAsync(workingDirectory, environment, arguments);
            if (built.ExitCode != 0)
            {
                return built;
            }
        }

        return new VseProcess.Outcome(0, "", "");
    }

    /// <summary>
    /// The site the guest's alice builds on, shared read-only at /opt/site: <c>etc/site/</c> (the
    /// site's descriptions, the repository <c>debs/</c> and the archive <c>offline-root.tar</c>
    /// beside them, so the guest's vse computes the same keys) and <c>store/</c>. Under /var/lib,
    /// root's and 0755, as the site store's trust rule wants (never below /tmp); removed afterwards.
    /// </summary>
    private sealed class OfflineSite : IDisposable
    {
        public OfflineSite(string twin)
        {
            Twin = twin;
            Root = Directory.CreateDirectory(System.IO.Path.Combine("/var/lib", "vse-twin-site-" + Guid.NewGuid().ToString("N")[..8]), (UnixFileMode)0x1ED).FullName;
            Directory.CreateDirectory(Path(""), (UnixFileMode)0x1ED);
            foreach (var name in (string[])["offline-root.vse.yaml", "offline-debian.vse.yaml"])
            {
                File.Copy(System.IO.Path.Combine(twin, "site", name), Path(name));
            }
        }

        public string Twin { get; }

        public string Root { get; }

        public string Descriptions => System.IO.Path.Combine(Root, "etc");

        public string Repository => Path("debs");

        public string Store => System.IO.Path.Combine(Root, "store");

        /// <summary>NAME in the site's description directory, <c>etc/site/</c>.</summary>
        public string Path(string name) => System.IO.Path.Combine(Descriptions, "site", name);

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    private static HashSet<string> Controllers(JsonNode doctor) =>
        [.. doctor["cgroupPlacement"]!["controllers"]!.AsArray().Select(c => c!.GetValue<string>())];

    private static Step Succeeded(Dictionary<string, Step> steps, string name)
    {
        Assert.True(steps.TryGetValue(name, out var step), $"checks.sh reported no step {name}");
        Assert.True(step.ExitCode == 0, $"{name}: exit {step.ExitCode}: {step.Stderr}");
        return step;
    }

    /// <summary>One step of checks.sh: "=== NAME", "--- stdout", its lines, "--- stderr", its lines, "--- exit CODE".</summary>
    private sealed record Step(string Stdout, string Stderr, int ExitCode)
    {
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public static Dictionary<string, Step> Parse(string report)
        {
            var steps = new Dictionary<string, Step>();
            string? name = null;
            List<string>? current = null;
            List<string> stdout = [], stderr = [];
            foreach (var line in report.Split('\n'))
            {
                if (line.StartsWith("=== ", StringComparison.Ordinal))
                {
                    (name, stdout, stderr, current) = (line[4..], [], [], null);
                }
                else if (line == "--- stdout")
                {
                    current = stdout;
                }
                else if (line == "--- stderr")
                {
                    current = stderr;
                }
                else if (line.StartsWith("--- exit ", StringComparison.Ordinal) && name is not null)
                {
                    steps[name] = new Step(Text(stdout), Text(stderr), int.Parse(line[9..], System.Globalization.CultureInfo.InvariantCulture));
                    (name, current) = (null, null);
                }
                else
                {
                    current?.Add(line);
                }
            }

            return steps;
        }

        private static string Text(List<string> lines) => lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }
}
