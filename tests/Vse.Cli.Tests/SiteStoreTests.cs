using System.Text.RegularExpressions;

namespace Vse.Cli.Tests;

/// <summary>
/// The shared, read-only site store (docs/install.md): root builds a site base into it once, an
/// ordinary user's build extending that base reuses its layers in place, and a store the user
/// could change is refused with a warning. Both kinds of user: a system user (no subordinate
/// ids: its build runs on the host) and an ordinary one (its build runs in the rootless build
/// namespace, where host root shows as 65534 and the user as root: the store is judged outside).
/// </summary>
public sealed partial class SiteStoreTests
{
    [SkippableTheory]
    [InlineData("vse-site-test", true)]
    [InlineData("vse-site-sub", false)]
    public async Task A_user_build_reuses_the_root_built_site_layers_in_place_and_a_store_the_user_can_change_is_refused(string userName, bool system)
    {
        Requirements.Root();
        var setpriv = Requirements.Tool("setpriv");
        var (uid, gid) = await UnprivilegedUser.EnsureAsync(userName, system);
        using var testSite = new TestSite();
        var (store, scratch, admin) = (testSite.Store, testSite.Scratch, testSite.Admin);
        var published = await testSite.PublishAsync("base", """
            vse: 1
            name: site/base
            os: {base: busybox}
            files: [{write: /etc/site-motd, content: "from the site\n"}]
            """);
        Assert.True(published.ExitCode == 0, published.Stderr);
        Assert.Contains("3 built, 0 cached", published.Stdout);
        var siteKeys = Directory.GetDirectories(Path.Combine(store, "layers")).Select(Path.GetFileName).ToList();
        Assert.Equal(3, siteKeys.Count);

        var user = await testSite.UserAsync(userName, uid, gid, setpriv, ("app.vse.yaml", """
            vse: 1
            name: apps/on-site
            extends: site/base
            files: [{write: /etc/motd, content: "mine\n"}]
            """));

        var built = await user.RunAsync("build", "app.vse.yaml");
        Assert.True(built.ExitCode == 0, built.Stderr);
        Assert.Equal("", built.Stderr);
        // The base and the site's file: the site's layers, used where they lie.
        Assert.Equal(["[1/4]", "[2/4]"], CachedAtSite().Matches(built.Stdout).Select(m => m.Groups["step"].Value));
        Assert.Contains("2 built, 2 cached", built.Stdout);
        var userKeys = Directory.GetDirectories(Path.Combine(user.Home, "store", "layers")).Select(Path.GetFileName).ToList();
        Assert.Equal(2, userKeys.Count);
        Assert.Empty(userKeys.Intersect(siteKeys));

        var run = await user.RunAsync("run", "app.vse.yaml", "--", "cat", "/etc/site-motd", "/etc/motd");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("from the site\nmine\n", run.Stdout);

        var images = await user.RunAsync("images");
        Assert.Matches(@"apps/on-site\s+-\s+4 \(2 site\)", images.Stdout);
        var layers = (await user.RunAsync("images", "--layers")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["site", "site", "user", "user"], layers.Skip(1).Select(line => line.Split("  ", StringSplitOptions.RemoveEmptyEntries)[3].Trim()));
        Assert.All(layers.Skip(1).Take(2), line => Assert.Contains(line.Split("  ", StringSplitOptions.RemoveEmptyEntries)[2].Trim(), string.Join(" ", siteKeys)));

        // The user may now write the site store: whoever can could swap a layer under every user's image.
        File.SetUnixFileMode(store, (UnixFileMode)0x1EF);
        var refused = await user.RunAsync("build", "app.vse.yaml");
        Assert.True(refused.ExitCode == 0, refused.Stderr);
        Assert.Equal([$"vse: warning: the site store {store} is not used: {store} is writable by its group or others (mode 0757); building privately"], refused.ErrorLines);
        Assert.Empty(CachedAtSite().Matches(refused.Stdout));
        // The site's two steps built into the user's store; the user's own two were there already.
        Assert.Contains("2 built, 2 cached", refused.Stdout);
        // The same keys as the site's base and file layers (not its metadata layer: another description's).
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(user.Home, "store", "layers")).Select(Path.GetFileName).Intersect(siteKeys).Count());
        File.SetUnixFileMode(store, (UnixFileMode)0x1ED);

        // The store is the user's: in the build namespace it would show as root's, and the user there as root.
        Assert.Equal(0, (await UnprivilegedUser.RunToolAsync("chown", [$"{uid}:{gid}", store])).ExitCode);
        var owned = await user.RunAsync("build", "app.vse.yaml");
        Assert.True(owned.ExitCode == 0, owned.Stderr);
        Assert.Equal([$"vse: warning: the site store {store} is not used: {store} is owned by uid {uid}, not root; building privately"], owned.ErrorLines);
        Assert.Empty(CachedAtSite().Matches(owned.Stdout));
        Assert.Equal(0, (await UnprivilegedUser.RunToolAsync("chown", ["0:0", store])).ExitCode);

        // Root's own builds see the same store as the site's.
        var rootImages = await VseProcess.RunAsync(scratch, admin, "images");
        Assert.Matches(@"site/base\s+-\s+3 \(3 site\)", rootImages.Stdout);
    }

    /// <summary>
    /// The Debian case: the site's base holds root-only files (/etc/shadow, /root) and host root's
    /// directories, which the user's build namespace can neither read nor write into; the user's
    /// layers start from the archive root published with the layer (docs/install.md).
    /// </summary>
    [SkippableFact]
    public async Task A_user_installs_packages_and_compiles_on_a_debian_site_base_and_runs_the_program()
    {
        Requirements.Root();
        Requirements.Tool("mmdebstrap");
        Requirements.Tool("bwrap");
        Requirements.Tool("newuidmap");
        var setpriv = Requirements.Tool("setpriv");
        var (uid, gid) = await UnprivilegedUser.EnsureAsync("vse-site-sub", system: false);
        using var testSite = new TestSite();
        var store = testSite.Store;
        var published = await testSite.PublishAsync("debian", """
            vse: 1
            name: site/debian
            os: {base: "debian:bookworm", variant: minbase}
            """);
        Assert.True(published.ExitCode == 0, published.Stderr);
        var siteStore = new Vse.Build.Store.LayerStore(store, Vse.Build.Store.LayerStoreAccess.ReadOnly);
        var baseLayer = siteStore.DirectoryOf(siteStore.List().Single(layer => layer.Parent is null).Key);
        // What the user cannot read in the tree, the archive beside it holds, readable by all.
        Assert.Equal((UnixFileMode)0x1A0, File.GetUnixFileMode(Path.Combine(baseLayer, "rootfs", "etc", "shadow")) & (UnixFileMode)0x1FF);
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Combine(baseLayer, "rootfs.tar")));

        var user = await testSite.UserAsync(
            "vse-site-sub", uid, gid, setpriv,
            ("hello.c", "#include <stdio.h>\nint main(void) { puts(\"hello on the site base\"); return 0; }\n"),
            ("app.vse.yaml", """
                vse: 1
                name: apps/on-debian-site
                extends: site/debian
                packages: [gcc, libc6-dev]
                files: [{copy: ./hello.c, to: /src/hello.c}]
                build:
                  - {run: "gcc -o /usr/local/bin/hello /src/hello.c && useradd -m alice && touch /home/alice/mine && chown alice: /home/alice/mine"}
                """));
        var work = user.WorkingDirectory;

        var built = await user.RunAsync("build", "app.vse.yaml", "-o", "tar:out.tar");
        Assert.True(built.ExitCode == 0, built.Stderr);
        Assert.Equal(["[1/5]"], CachedAtSite().Matches(built.Stdout).Select(m => m.Groups["step"].Value));
        Assert.Contains("4 built, 1 cached", built.Stdout);

        // The export holds the site's files with the site's owners, root-only ones too, and the user's.
        var tar = (await UnprivilegedUser.RunToolAsync("tar", ["-tv", "--numeric-owner", "-f", Path.Combine(work, "out.tar")])).Stdout;
        Assert.Matches(@"(?m)^-rw-r----- 0/42 .* \./etc/shadow$", tar);
        Assert.Matches(@"(?m)^drwx------ 0/0 .* \./root/$", tar);
        Assert.Matches(@"(?m)^-rwxr-xr-x 0/0 .* \./usr/bin/apt-get$", tar);
        Assert.Matches(@"(?m)^-rwxr-xr-x 0/0 .* \./usr/local/bin/hello$", tar);
        Assert.Matches(@"(?m)^-rw-r--r-- 1000/1000 .* \./home/alice/mine$", tar);

        var run = await user.RunAsync("run", "app.vse.yaml", "--", "/usr/local/bin/hello");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("hello on the site base\n", run.Stdout);

        var images = await user.RunAsync("images");
        Assert.Matches(@"apps/on-debian-site\s+-\s+5 \(1 site\)", images.Stdout);
        var layers = (await user.RunAsync("images", "--layers")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["site", "user", "user", "user", "user"], layers.Skip(1).Select(line => line.Split("  ", StringSplitOptions.RemoveEmptyEntries)[3].Trim()));

        var again = await user.RunAsync("build", "app.vse.yaml");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("0 built, 5 cached", again.Stdout);
    }

    [SkippableFact]
    public async Task Root_builds_on_a_site_store_on_another_file_system_by_copying_what_it_cannot_link()
    {
        Requirements.Root();
        // /dev/shm is a tmpfs where it is mounted at all; /var/lib is the root file system's.
        if (Vse.Host.FileSystem.Nodes.TryGetStatus("/dev/shm")?.FileSystemDevice is not { } shm || shm == Vse.Host.FileSystem.Nodes.TryGetStatus("/var/lib")!.FileSystemDevice)
        {
            Requirements.Missing("/dev/shm is not a file system of its own here");
        }

        var site = Directory.CreateDirectory(Path.Combine("/var/lib", "vse-site-test-" + Guid.NewGuid().ToString("N")[..8]), (UnixFileMode)0x1ED).FullName;
        var home = Path.Combine("/dev/shm", "vse-site-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var store = Path.Combine(site, "store");
            await File.WriteAllTextAsync(Path.Combine(site, "base.vse.yaml"), "vse: 1\nname: site/base\nos: {base: busybox}\n");
            await File.WriteAllTextAsync(Path.Combine(site, "app.vse.yaml"), "vse: 1\nname: apps/x\nextends: ./base.vse.yaml\nfiles: [{write: /etc/motd, content: \"x\\n\"}]\n");
            var environment = new Dictionary<string, string> { ["VSE_HOME"] = home, ["VSE_SITE_STORE"] = store };
            var published = await VseProcess.RunAsync(site, environment, "build", "--store", store, "base.vse.yaml");
            Assert.True(published.ExitCode == 0, published.Stderr);

            var built = await VseProcess.RunAsync(site, environment, "build", "app.vse.yaml");
            Assert.True(built.ExitCode == 0, built.Stderr);
            Assert.Equal(["[1/3]"], CachedAtSite().Matches(built.Stdout).Select(m => m.Groups["step"].Value));
            Assert.Contains("2 built, 1 cached", built.Stdout);
        }
        finally
        {
            Directory.Delete(site, recursive: true);
            if (Directory.Exists(home))
            {
                Directory.Delete(home, recursive: true);
            }
        }
    }

    /// <summary>
    /// A site for one test: a site store may not lie below /tmp (anyone may create names there), so
    /// it lies under /var/lib, as /var/lib/vse-site does, root's and 0755; with a site directory,
    /// a scratch directory, and the administrator's environment. Removed as root afterwards (the
    /// users' stores hold files of their subordinate ids).
    /// </summary>
    private sealed class TestSite : IDisposable
    {
        private readonly string _root = Directory.CreateDirectory(Path.Combine("/var/lib", "vse-site-test-" + Guid.NewGuid().ToString("N")[..8]), (UnixFileMode)0x1ED).FullName;

        public TestSite()
        {
            Directory.CreateDirectory(Path.Combine(SiteDirectory, "site"));
            Admin = new Dictionary<string, string> { ["VSE_HOME"] = Path.Combine(Scratch, "admin"), ["VSE_SITE_DIR"] = SiteDirectory, ["VSE_SITE_STORE"] = Store };
        }

        public string Store => Path.Combine(_root, "store");

        public string SiteDirectory => Path.Combine(_root, "etc");

        public string Scratch { get; } = Directory.CreateTempSubdirectory("vse-site-").FullName;

        public Dictionary<string, string> Admin { get; }

        /// <summary>Root builds <paramref name="yaml"/>, written as site/NAME in the site directory, into the site store.</summary>
        public async Task<VseProcess.Outcome> PublishAsync(string name, string yaml)
        {
            var file = Path.Combine(SiteDirectory, "site", name + ".vse.yaml");
            await File.WriteAllTextAsync(file, yaml);
            return await VseProcess.RunAsync(Scratch, Admin, "build", "--store", Store, file);
        }

        /// <summary>The user <paramref name="name"/> with a copy of vse, a working directory of its own holding <paramref name="files"/>, and this site.</summary>
        public async Task<UnprivilegedUser> UserAsync(string name, uint uid, uint gid, string setpriv, params (string Name, string Content)[] files)
        {
            var vse = UnprivilegedUser.CopyOfVse(Path.Combine(Scratch, "vse"));
            var work = Directory.CreateDirectory(Path.Combine(Scratch, "work")).FullName;
            foreach (var (file, content) in files)
            {
                await File.WriteAllTextAsync(Path.Combine(work, file), content);
            }

            await UnprivilegedUser.ChownAsync(work, uid, gid);
            return new UnprivilegedUser(name, uid, gid, setpriv, vse, work)
            {
                Variables = new Dictionary<string, string> { ["VSE_SITE_DIR"] = SiteDirectory, ["VSE_SITE_STORE"] = Store },
            };
        }

        public void Dispose()
        {
            Directory.Delete(_root, recursive: true);
            Directory.Delete(Scratch, recursive: true);
        }
    }

    /// <summary>A build's line for a layer it found in the site store (CgroupV2VmTests judges the guest's with it too).</summary>
    [GeneratedRegex(@"^(?<step>\[\d+/\d+\]) .*  cached \(site\)$", RegexOptions.Multiline)]
    internal static partial Regex CachedAtSite();
}
