using System.Globalization;

namespace Vse.Cli.Tests;

/// <summary>
/// <c>vse build</c> as an ordinary user (created by the test, with or without subordinate ids):
/// steps that run inside the image, image users' owners, and exports that read them back.
/// </summary>
public sealed class RootlessBuildTests
{
    private const string UserWithIds = "vse-rootless-build";
    private const string UserWithoutIds = "vse-rootless-noids";

    [SkippableFact]
    public async Task An_ordinary_user_runs_build_steps_and_every_export_keeps_root_and_image_user_owners()
    {
        using var user = await StartAsync(UserWithIds, system: false);
        var (subuid, subgid) = SubordinateStarts(user.User.Name);
        await user.WriteAsync("note", "for alice\n");
        await user.WriteAsync("app.vse.yaml", """
            vse: 1
            name: apps/rootless-build
            os: {base: busybox}
            files:
              - {copy: ./note, to: /home/alice/note, owner: "1000:1000"}
            build:
              - {run: "id > /id; mkdir -p /srv/data && echo data > /srv/data/f && chown 1001:1002 /srv/data/f && rm -rf /var && rm -rf /sbin && mkdir /sbin && echo new > /sbin/only"}
              - {run: "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status > /confined; for probe in 'unshare -U true' 'mount -t tmpfs t /mnt'; do if $$probe 2>/dev/null; then echo ok; else echo refused; fi; done >> /confined"}
            """);

        var build = await user.User.RunAsync("build", "app.vse.yaml", "-o", "tar:out.tar", "-o", "squashfs:out.sqfs", "-o", "ext4:out.ext4");
        Assert.True(build.ExitCode == 0, build.Stderr);
        Assert.Contains("5 layers, 5 built, 0 cached", build.Stdout);

        var tar = await Tool("tar", "-tv", "--numeric-owner", "-f", user.Path("out.tar"));
        Assert.Matches(@"(?m)^-rwxr-xr-x 0/0 .* \./bin/busybox$", tar);
        Assert.Matches(@"(?m)^-rw-r--r-- 1000/1000 .* \./home/alice/note$", tar);
        Assert.Matches(@"(?m)^-rw-r--r-- 1001/1002 .* \./srv/data/f$", tar);
        Assert.Matches(@"(?m)^-rw-r--r-- 0/0 .* \./id$", tar);
        // Deleted (a whiteout) and replaced (an opaque directory, user.overlay.opaque in the namespace).
        Assert.DoesNotContain("./var/", tar);
        Assert.Contains("./sbin/only", tar);
        Assert.DoesNotContain("./sbin/init", tar);

        var squashfs = await Tool(Requirements.Tool("unsquashfs"), "-lln", user.Path("out.sqfs"));
        Assert.Matches(@"(?m)^-rwxr-xr-x 0/0 .* squashfs-root/bin/busybox$", squashfs);
        Assert.Matches(@"(?m)^-rw-r--r-- 1000/1000 .* squashfs-root/home/alice/note$", squashfs);
        Assert.Matches(@"(?m)^-rw-r--r-- 1001/1002 .* squashfs-root/srv/data/f$", squashfs);

        var debugfs = Requirements.Tool("debugfs");
        Assert.Matches(@"User:\s+1000\s+Group:\s+1000\s", await Tool(debugfs, "-R", "stat /home/alice/note", user.Path("out.ext4")));
        Assert.Matches(@"User:\s+0\s+Group:\s+0\s", await Tool(debugfs, "-R", "stat /bin/busybox", user.Path("out.ext4")));

        // The step ran as root of the image; on disk, image root is the user and image id N is
        // the user's subordinate id START+N-1 (docs/build.md, "Rootless builds").
        var layer = Directory.GetDirectories(Path.Combine(user.User.Home, "store", "layers"))
            .Single(d => File.Exists(Path.Combine(d, "rootfs", "id")) && !File.Exists(Path.Combine(d, "rootfs", "confined")));
        Assert.Equal("uid=0(root) gid=0(root)\n", await File.ReadAllTextAsync(Path.Combine(layer, "rootfs", "id")));
        // The root path's confinement holds here too (docs/security.md): the 12 capabilities of
        // BuildStepCapabilities, no new privileges, the seccomp filter; no namespaces, no mounts.
        Assert.Equal(
            "CapEff:\t00000000a00405fb\nNoNewPrivs:\t1\nSeccomp:\t2\nrefused\nrefused\n",
            await Tool("tar", "-xOf", user.Path("out.tar"), "./confined"));
        AssertOwner(Path.Combine(layer, "rootfs", "bin", "busybox"), user.User.Uid, user.User.Gid);
        AssertOwner(Path.Combine(layer, "rootfs", "home", "alice", "note"), subuid + 999, subgid + 999);
        AssertOwner(Path.Combine(layer, "rootfs", "srv", "data", "f"), subuid + 1000, subgid + 1001);
        foreach (var export in new[] { "out.tar", "out.sqfs", "out.ext4" })
        {
            AssertOwner(user.Path(export), user.User.Uid, user.User.Gid);
        }

        var again = await user.User.RunAsync("build", "app.vse.yaml");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("5 layers, 0 built, 5 cached", again.Stdout);

        var doctor = await user.User.RunAsync("doctor");
        Assert.Matches($"(?m)^rootless +yes: builds map image ids 1-65536 to subordinate uids from {subuid} and gids from {subgid} \\(newuidmap, newgidmap\\)$", doctor.Stdout);

        // Layers with files of the subordinate ids are removed in the namespace too.
        var destroy = await user.User.RunAsync("destroy", "apps/rootless-build");
        Assert.True(destroy.ExitCode == 0, destroy.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(user.User.Home, "store", "layers")));
    }

    [SkippableFact]
    public async Task Site_policy_holds_in_the_build_namespace_where_the_site_directory_shows_as_nobodys()
    {
        using var user = await StartAsync(UserWithIds, system: false);
        // Owned by the host's root: inside the namespace its owner is unmapped (65534), and
        // only the user's own view (it cannot change the file) makes it site policy.
        var site = Directory.CreateDirectory(System.IO.Path.Combine(user.Root, "site")).FullName;
        await File.WriteAllTextAsync(System.IO.Path.Combine(site, "policy.vse.yaml"), "vse: 1\nname: site-policy\npolicy:\n  allow:\n    mounts: [/scratch/**]\n");
        await user.WriteAsync("app.vse.yaml", "vse: 1\nname: app\nos: {base: busybox}\nmounts: {/host-etc: {source: /etc}}\n");

        var build = await (user.User with { Variables = new Dictionary<string, string> { ["VSE_SITE_DIR"] = site } }).RunAsync("build", "app.vse.yaml");

        Assert.Equal(3, build.ExitCode);
        Assert.Contains("VSE0603", build.Stderr);
    }

    [SkippableFact]
    public async Task An_ordinary_users_run_of_an_unbuilt_description_builds_it_in_the_build_namespace_first()
    {
        // deploy/run cannot enter the build namespace themselves (their instances run as the
        // user): a step that writes an image file as an image user failed there before.
        using var user = await StartAsync(UserWithIds, system: false);
        await user.WriteAsync("first.vse.yaml", """
            vse: 1
            name: apps/run-builds-first
            os: {base: busybox}
            build: [{run: "mkdir -p /srv/data && echo built > /srv/data/f && chown 1001:1002 /srv/data/f"}]
            """);

        var run = await user.User.RunAsync("run", "first.vse.yaml", "--", "cat", "/srv/data/f");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("built\n", run.Stdout);
        var again = await user.User.RunAsync("build", "first.vse.yaml");
        Assert.Contains("0 built", again.Stdout);
    }

    [SkippableFact]
    public async Task Without_subordinate_ids_steps_inside_the_image_say_what_is_missing_and_how_to_add_it()
    {
        using var user = await StartAsync(UserWithoutIds, system: true);
        Assert.DoesNotContain(await File.ReadAllLinesAsync("/etc/subuid"), line => line.StartsWith(UserWithoutIds + ":", StringComparison.Ordinal));
        await user.WriteAsync("run.vse.yaml", """
            vse: 1
            name: apps/no-ids
            os: {base: busybox}
            build: [{run: "true"}]
            """);
        await user.WriteAsync("debian.vse.yaml", """
            vse: 1
            name: apps/no-ids-debian
            os: {base: "debian:bookworm"}
            """);
        var fix = $"/etc/subuid and /etc/subgid have no range of 65536 ids for user {UserWithoutIds}: as root, usermod --add-subuids ([0-9]+)-([0-9]+) --add-subgids \\1-\\2 {UserWithoutIds}";

        var run = await user.User.RunAsync("build", "run.vse.yaml");
        Assert.Equal(4, run.ExitCode);
        Assert.Matches($"^vse: error: step 2/3 'run true': steps that run inside the image \\(packages, build\\) need root or vse's rootless build namespace: {fix}$", Assert.Single(run.ErrorLines));

        var debian = await user.User.RunAsync("build", "debian.vse.yaml");
        Assert.Equal(4, debian.ExitCode);
        Assert.Matches($"^vse: error: step 1/2 'base debian:bookworm': debian bases need root or vse's rootless build namespace: {fix}$", Assert.Single(debian.ErrorLines));

        var doctor = await user.User.RunAsync("doctor");
        Assert.Matches($"(?m)^rootless +no: builds cannot enter the build namespace: {fix}$", doctor.Stdout);
    }

    [SkippableFact]
    public async Task An_ordinary_user_builds_a_debian_base_installs_gcc_and_compiles_with_it()
    {
        using var user = await StartAsync(UserWithIds, system: false);
        Requirements.Tool("mmdebstrap");
        await user.WriteAsync("hello.c", "#include <stdio.h>\nint main(void) { puts(\"hello from gcc\"); return 0; }\n");
        await user.WriteAsync("gcc.vse.yaml", """
            vse: 1
            name: apps/rootless-gcc
            os: {base: "debian:bookworm", variant: minbase}
            packages: [gcc, libc6-dev]
            files: [{copy: ./hello.c, to: /src/hello.c}]
            build:
              - {run: "gcc -o /usr/local/bin/hello /src/hello.c && /usr/local/bin/hello > /hello.out"}
            """);

        var build = await user.User.RunAsync("build", "gcc.vse.yaml", "-o", "tar:gcc.tar");
        Assert.True(build.ExitCode == 0, build.Stderr);

        var tar = await Tool("tar", "-tv", "--numeric-owner", "-f", user.Path("gcc.tar"));
        Assert.Matches(@"(?m)^-rwxr-xr-x 0/0 .* \./usr/local/bin/hello$", tar);
        Assert.Matches(@"(?m)^-rwxr-xr-x 0/0 .* \./usr/bin/x86_64-linux-gnu-gcc-12$", tar);
        // Debian's own group owners come through: /etc/shadow is root:shadow (42), /var/mail root:mail (8).
        Assert.Matches(@"(?m)^-rw-r----- 0/42 .* \./etc/shadow$", tar);
        Assert.Matches(@"(?m)^drwxrwsr-x 0/8 .* \./var/mail/$", tar);
        Assert.Equal("hello from gcc\n", await Tool("tar", "-xOf", user.Path("gcc.tar"), "./hello.out"));

        var again = await user.User.RunAsync("build", "gcc.vse.yaml");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("0 built", again.Stdout);
    }

    private static async Task<Session> StartAsync(string name, bool system)
    {
        Requirements.Root();
        var setpriv = Requirements.Tool("setpriv");
        Requirements.Tool("bwrap");
        Requirements.Tool("newuidmap");
        var (uid, gid) = await UnprivilegedUser.EnsureAsync(name, system);
        var root = Directory.CreateTempSubdirectory("vse-rootless-build-").FullName;
        var vse = UnprivilegedUser.CopyOfVse(Path.Combine(root, "vse"));
        var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        await UnprivilegedUser.ChownAsync(work, uid, gid);
        return new Session(root, new UnprivilegedUser(name, uid, gid, setpriv, vse, work));
    }

    private static (uint Uid, uint Gid) SubordinateStarts(string name)
    {
        static uint StartIn(string file, string name) => uint.Parse(
            File.ReadLines(file).First(line => line.StartsWith(name + ":", StringComparison.Ordinal)).Split(':')[1], CultureInfo.InvariantCulture);
        return (StartIn("/etc/subuid", name), StartIn("/etc/subgid", name));
    }

    private static void AssertOwner(string path, uint uid, uint gid)
    {
        var status = Vse.Host.FileSystem.Nodes.StatusOrNull(path, followSymlink: false) ?? throw new FileNotFoundException(path);
        Assert.Equal((uid, gid), (status.Uid, status.Gid));
    }

    private static async Task<string> Tool(string tool, params string[] arguments)
    {
        var result = await UnprivilegedUser.RunToolAsync(tool, arguments);
        Assert.True(result.ExitCode == 0, $"{tool}: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>The user's working directory for one test, removed afterwards (as root: the store holds files of the subordinate ids).</summary>
    private sealed record Session(string Root, UnprivilegedUser User) : IDisposable
    {
        public string Path(string name) => System.IO.Path.Combine(User.WorkingDirectory, name);

        public async Task WriteAsync(string name, string content)
        {
            await File.WriteAllTextAsync(Path(name), content);
            await UnprivilegedUser.ChownAsync(Path(name), User.Uid, User.Gid);
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
