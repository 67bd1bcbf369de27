using System.Text.Json;

namespace Vse.Cli.Tests;

/// <summary>
/// One busybox configuration deployed once per class (<see cref="OnlineFixture"/>): five runc
/// instances (each test changes its own) and one started by vse-launch.
/// </summary>
public sealed class OnlineFixture : IAsyncLifetime
{
    public const string Description = """
        vse: 1
        name: apps/online
        os: {base: busybox}
        env: {GREETING: hello-from-the-description}
        files:
          - {write: /etc/motd, content: "inside\n"}
          - {write: /etc/doomed, content: "to be removed\n"}
          - {write: /var/lib/dpkg/status, content: "Package: keep\nStatus: install ok installed\nVersion: 1.0\n\nPackage: drop\nStatus: install ok installed\nVersion: 2.0\n\nPackage: bump\nStatus: install ok installed\nVersion: 3.0\n"}
          - {mkdir: /srv}
          - {mkdir: /etc/ssh}
          - {mkdir: /var/log}
        """;

    private readonly SemaphoreSlim _once = new(1);

    public Workspace Workspace { get; } = new();

    public string? Runc { get; private set; }

    public string? Launched { get; private set; }

    /// <summary>Deploys on first use, after the test's own requirements were checked (a fixture cannot skip).</summary>
    public async Task EnsureAsync()
    {
        await _once.WaitAsync();
        try
        {
            if (Runc is not null)
            {
                return;
            }

            Workspace.Write("online.vse.yaml", Description);
            var runc = await Workspace.RunAsync("deploy", "online.vse.yaml", "--instances", "5");
            Assert.True(runc.ExitCode == 0, runc.Stderr);
            var launched = await Workspace.RunAsync("deploy", "online.vse.yaml", "--runtime", "vse-launch");
            Assert.True(launched.ExitCode == 0, launched.Stderr);
            (Runc, Launched) = (runc.Stdout.Trim().Split('\n')[^1], launched.Stdout.Trim().Split('\n')[^1]);
        }
        finally
        {
            _once.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// Through xunit's IAsyncLifetime, which it calls for class fixtures (an IAsyncDisposable
    /// fixture was never disposed, and its instances outlived the run). A failed cleanup fails the
    /// class rather than leaving instances behind unseen.
    /// </summary>
    public async Task DisposeAsync()
    {
        var failures = new List<string>();
        foreach (var id in new[] { Runc, Launched }.OfType<string>())
        {
            var cleanup = await Workspace.RunAsync("cleanup", id);
            if (cleanup.ExitCode != 0)
            {
                failures.Add($"cleanup {id}: exit {cleanup.ExitCode}: {cleanup.Stderr}");
            }
        }

        Workspace.Dispose();
        _once.Dispose();
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}

/// <summary><c>vse shell</c>, <c>vse cp</c> and <c>vse diff DEP/I</c> on real instances (docs/online.md).</summary>
public sealed class OnlineCommandTests(OnlineFixture fixture) : IClassFixture<OnlineFixture>
{
    private Workspace Workspace => fixture.Workspace;

    [SkippableFact]
    public async Task Shell_on_a_terminal_is_a_login_shell_with_the_description_environment_on_both_start_paths()
    {
        Requirements.Root();
        Requirements.Tool("script");
        await fixture.EnsureAsync();
        foreach (var id in new[] { fixture.Runc + "/0", fixture.Launched! })
        {
            // script(1) gives vse a pseudo-terminal and types what it reads on its own input.
            var (exitCode, output) = await OnTerminalAsync(["shell", id], "echo \"[$GREETING]\"; case $- in *i*) echo interactive;; esac; [ -t 0 ] && echo on-a-terminal\nexit 7\n");
            Assert.True(exitCode == 7, output);
            Assert.Contains("[hello-from-the-description]", output);
            Assert.Contains("\ninteractive", output);
            Assert.Contains("\non-a-terminal", output);
        }

        // runc makes the shell a terminal of its own (the launcher passes the caller's on).
        Assert.Matches(@"\n/dev/pts/\d+", (await OnTerminalAsync(["shell", fixture.Runc + "/0"], "tty\nexit\n")).Output);
        Assert.Contains("apps-online-0", (await OnTerminalAsync(["shell", fixture.Runc + "/0"], "hostname\nexit\n")).Output);
    }

    [SkippableFact]
    public async Task Shell_without_a_terminal_reads_commands_from_standard_input()
    {
        Requirements.Root();
        await fixture.EnsureAsync();
        var piped = await Workspace.RunWithInputAsync("echo \"[$GREETING]\"; hostname; exit 4\n", "shell", fixture.Runc + "/1");
        Assert.Equal(4, piped.ExitCode);
        Assert.Equal("[hello-from-the-description]\napps-online-1\n", piped.Stdout);
        Assert.Equal(2, (await Workspace.RunAsync("shell", fixture.Runc + "/9")).ExitCode);
    }

    [SkippableFact]
    public async Task Cp_copies_files_and_trees_both_ways_keeping_modes_and_links()
    {
        Requirements.Root();
        await fixture.EnsureAsync();
        var id = fixture.Runc + "/1";
        var tree = Path.Combine(Workspace.Root, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        File.WriteAllText(Path.Combine(tree, "run.sh"), "#!/bin/sh\necho ran\n");
        File.SetUnixFileMode(Path.Combine(tree, "run.sh"), (UnixFileMode)0b111_101_000);
        File.WriteAllText(Path.Combine(tree, "sub", "secret"), "s\n");
        File.SetUnixFileMode(Path.Combine(tree, "sub", "secret"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "run.sh");

        Assert.Equal(0, (await Workspace.RunAsync("cp", tree, id + ":/srv")).ExitCode);
        var inside = await Workspace.RunAsync("exec", id, "--", "sh", "-c", "stat -c '%n %a %u' /srv/tree/run.sh /srv/tree/sub/secret; readlink /srv/tree/link; /srv/tree/run.sh");
        Assert.Equal("/srv/tree/run.sh 750 0\n/srv/tree/sub/secret 600 0\nrun.sh\nran\n", inside.Stdout);
        // To a name that does not exist yet: the copy takes that name.
        Assert.Equal(0, (await Workspace.RunAsync("cp", Path.Combine(tree, "run.sh"), id + ":/srv/renamed.sh")).ExitCode);
        Assert.Equal("ran\n", (await Workspace.RunAsync("exec", id, "--", "/srv/renamed.sh")).Stdout);

        var back = Path.Combine(Workspace.Root, "back");
        Directory.CreateDirectory(back);
        var copied = await Workspace.RunAsync("cp", id + ":/srv/tree", back);
        Assert.True(copied.ExitCode == 0, copied.Stderr);
        Assert.Equal("#!/bin/sh\necho ran\n", File.ReadAllText(Path.Combine(back, "tree", "run.sh")));
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(Path.Combine(back, "tree", "run.sh")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(back, "tree", "sub", "secret")));
        Assert.Equal("run.sh", new FileInfo(Path.Combine(back, "tree", "link")).LinkTarget);
        Assert.Equal(0, (await Workspace.RunAsync("cp", id + ":/etc/motd", Path.Combine(back, "motd.txt"))).ExitCode);
        Assert.Equal("inside\n", File.ReadAllText(Path.Combine(back, "motd.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(back, ".vse-cp-*"));

        var usage = await Workspace.RunAsync("cp", tree, Path.Combine(Workspace.Root, "elsewhere"));
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("exactly one of SRC and DEST is DEP[/INDEX]:PATH", usage.Stderr);
        var missing = await Workspace.RunAsync("cp", id + ":/no/such/file", back);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal(["vse: error: /no/such: no such directory in the instance"], missing.ErrorLines);
    }

    [SkippableFact]
    public async Task Cp_resolves_every_path_inside_the_instance_and_never_follows_a_link_to_the_host()
    {
        Requirements.Root();
        await fixture.EnsureAsync();
        var id = fixture.Runc + "/2";
        // A host directory the instance's links name: what they reach must be the instance's own.
        var hostSide = Path.Combine(Path.GetTempPath(), $"vse-online-host-{Guid.NewGuid():N}");
        Directory.CreateDirectory(hostSide);
        File.WriteAllText(Path.Combine(hostSide, "secret"), "host secret\n");
        try
        {
            var planted = await Workspace.RunAsync("exec", id, "--", "sh", "-c",
                "ln -s / /srv/root; ln -s ../../../../../../.. /srv/up; ln -s \"$1\" /srv/host; ln -s \"$1/secret\" /srv/secret", "sh", hostSide);
            Assert.Equal(0, planted.ExitCode);
            var back = Path.Combine(Workspace.Root, "hostile");
            Directory.CreateDirectory(back);

            // Out: through a link to / or ../.., the instance's files; a link to the host's path is a link, copied as itself.
            Assert.Equal(0, (await Workspace.RunAsync("cp", id + ":/srv/up/etc/motd", Path.Combine(back, "motd"))).ExitCode);
            Assert.Equal("inside\n", File.ReadAllText(Path.Combine(back, "motd")));
            Assert.Equal(0, (await Workspace.RunAsync("cp", id + ":/srv/secret", back)).ExitCode);
            Assert.Equal(Path.Combine(hostSide, "secret"), new FileInfo(Path.Combine(back, "secret")).LinkTarget);
            var through = await Workspace.RunAsync("cp", id + ":/srv/host/secret", back);
            Assert.Equal(2, through.ExitCode);
            Assert.Contains("no such directory in the instance", through.Stderr);

            // In: through the same links, into the instance, never the host.
            var file = Path.Combine(Workspace.Root, "dropped");
            File.WriteAllText(file, "dropped\n");
            Assert.Equal(0, (await Workspace.RunAsync("cp", file, id + ":/srv/root/tmp")).ExitCode);
            Assert.Equal(2, (await Workspace.RunAsync("cp", file, id + ":/srv/host/dropped")).ExitCode);
            Assert.Equal(0, (await Workspace.RunAsync("cp", file, id + ":/srv/up/etc/dropped")).ExitCode);
            Assert.Equal("dropped\ndropped\n", (await Workspace.RunAsync("exec", id, "--", "cat", "/tmp/dropped", "/etc/dropped")).Stdout);
            Assert.Equal(["secret"], Directory.EnumerateFileSystemEntries(hostSide).Select(Path.GetFileName));
            Assert.False(File.Exists("/etc/dropped"));
        }
        finally
        {
            Directory.Delete(hostSide, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Diff_shows_files_added_changed_and_deleted_and_packages_from_the_instance_upper_layer()
    {
        Requirements.Root();
        await fixture.EnsureAsync();
        var id = fixture.Runc + "/3";
        var same = await Workspace.RunAsync("diff", id);
        Assert.True(same.ExitCode == 0, same.Stderr);
        Assert.Equal("files     same\n\npackages  same\n", same.Stdout);

        var changed = await Workspace.RunAsync("exec", id, "--", "sh", "-c", """
            echo added > /etc/added && chmod 600 /etc/added
            echo changed > /etc/motd
            chmod 700 /srv && chown 1000:1000 /srv
            rm /etc/doomed
            echo private > /etc/ssh/ssh_host_ed25519_key && echo public > /etc/ssh/ssh_host_ed25519_key.pub
            echo 'Dec  5 07:50:00 apps-online-3 sshd[9]: Server listening' >> /var/log/messages
            printf 'Package: keep\nStatus: install ok installed\nVersion: 1.0\n\nPackage: bump\nStatus: install ok installed\nVersion: 3.1\n\nPackage: new\nStatus: install ok installed\nVersion: 0.1\n' > /var/lib/dpkg/status
            """);
        Assert.True(changed.ExitCode == 0, changed.Stderr);

        var table = await Workspace.RunAsync("diff", id);
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Equal(
            [
                "CHANGE TYPE MODE OWNER PATH",
                "added file 0600 0:0 /etc/added",
                "deleted file 0644 0:0 /etc/doomed",
                "changed (content) file 0644 0:0 /etc/motd",
                "changed (mode, owner) dir 0755->0700 0:0->1000:1000 /srv",
                "changed (content) file 0644 0:0 /var/lib/dpkg/status",
                "",
                "PACKAGE BEFORE AFTER",
                "bump 3.0 3.1",
                "drop 2.0 -",
                "new - 0.1",
            ],
            table.Stdout.TrimEnd('\n').Split('\n').Select(l => System.Text.RegularExpressions.Regex.Replace(l, " +", " ")));

        var json = await Workspace.RunAsync("diff", "--json", id);
        using var document = JsonDocument.Parse(json.Stdout);
        var files = document.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        Assert.Equal("deleted", files["/etc/doomed"].GetProperty("change").GetString());
        Assert.Equal("0600", files["/etc/added"].GetProperty("after").GetProperty("mode").GetString());
        Assert.Equal(1000, files["/srv"].GetProperty("after").GetProperty("uid").GetInt32());
        Assert.Equal(["mode", "owner"], files["/srv"].GetProperty("aspects").EnumerateArray().Select(a => a.GetString()));
        var packages = document.RootElement.GetProperty("packages").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()} {p.GetProperty("before")} {p.GetProperty("after")}");
        Assert.Equal(["bump 3.0 3.1", "drop 2.0 ", "new  0.1"], packages);
    }

    [SkippableFact]
    public async Task Commit_writes_a_description_that_builds_offline_to_the_instance_content()
    {
        Requirements.Root();
        await fixture.EnsureAsync();
        var id = fixture.Runc + "/4";
        var changed = await Workspace.RunAsync("exec", id, "--", "sh", "-c", """
            echo 'changed by hand' > /etc/motd && chmod 640 /etc/motd
            rm /etc/doomed
            mkdir -p /srv/app/conf && chmod 750 /srv/app
            printf 'threads = 8\nuser="${USER}" $$HOME\n' > /srv/app/conf/app.conf
            ln -s /srv/app/conf/app.conf /etc/app.conf
            head -c 4096 /dev/urandom > /srv/app/blob.bin && chmod 4755 /srv/app/blob.bin
            yes 'a line of a log' | head -c 102400 > /srv/app/large.log
            mkdir -p /srv/owned/sub && echo theirs > /srv/owned/sub/file && ln -s sub/file /srv/owned/link
            chown -hR 1234:1234 /srv/owned && chmod 2750 /srv/owned
            """);
        Assert.True(changed.ExitCode == 0, changed.Stderr);

        var commit = await Workspace.RunAsync("commit", id, "--as", "committed.vse.yaml");
        Assert.True(commit.ExitCode == 0, commit.Stderr);
        var written = File.ReadAllText(Path.Combine(Workspace.Root, "committed.vse.yaml"));
        Assert.Contains($"extends: \"{Path.Combine(Workspace.Root, "online.vse.yaml")}\"", written, StringComparison.Ordinal);
        Assert.Contains("{delete: \"/etc/doomed\"}", written, StringComparison.Ordinal);
        // The binary file, the 100 KiB one and the tree of uid 1234 are a captured layer beside the description.
        Assert.Matches(@"\{layer: ""committed\.layer\.tar"", digest: ""sha256:[0-9a-f]{64}""\}\n$", written);
        Assert.DoesNotContain("/srv/owned", written, StringComparison.Ordinal);
        Assert.Equal(2, (await Workspace.RunAsync("commit", id, "--as", "committed.vse.yaml")).ExitCode); // never overwritten

        var build = await Workspace.RunAsync("build", "committed.vse.yaml", "--output", "dir:built", "--output", "tar:built.tar");
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        foreach (var tree in new[] { "etc", "srv" })
        {
            var copy = await Workspace.RunAsync("cp", $"{id}:/{tree}", $"instance-{tree}");
            Assert.True(copy.ExitCode == 0, copy.Stderr);
            Assert.Equal(
                TreeListing(Path.Combine(Workspace.Root, $"instance-{tree}")),
                TreeListing(Path.Combine(Workspace.Root, "built", tree)));
        }

        // Owners and modes as the instance sees them (vse cp gives copies to the caller), against the
        // tar export (the dir export clears set-user-id and set-group-id bits: docs/build.md).
        var owners = await Workspace.RunAsync("exec", id, "--", "sh", "-c", "cd / && find srv | sort | while read -r p; do stat -c '%n %u:%g %a' \"$p\"; done");
        Assert.True(owners.ExitCode == 0, owners.Stderr);
        Assert.Contains("srv/owned/sub/file 1234:1234 644", owners.Stdout, StringComparison.Ordinal);
        Assert.Equal(owners.Stdout.Trim().Split('\n'), await OwnersAndModesAsync(Path.Combine(Workspace.Root, "built.tar"), "srv"));

        // A captured archive changed after the commit is refused at build (its layer cached or not), naming the digest the description expects.
        var archive = Path.Combine(Workspace.Root, "committed.layer.tar");
        File.AppendAllText(archive, "tampered");
        var tampered = await Workspace.RunAsync("build", "committed.vse.yaml");
        Assert.Equal(2, tampered.ExitCode);
        Assert.Matches(@"captured layer sha256:[0-9a-f]{64}: its archive .*committed\.layer\.tar has digest sha256:", tampered.Stderr);

        // Site policy applies to what is committed: a package the site denies is refused now, and no file stays.
        var installed = await Workspace.RunAsync("exec", id, "--", "sh", "-c",
            "printf '\nPackage: telnetd\nStatus: install ok installed\nVersion: 0.17\n' >> /var/lib/dpkg/status");
        Assert.True(installed.ExitCode == 0, installed.Stderr);
        var policy = Workspace.Write("site/policy.vse.yaml", "vse: 1\npolicy:\n  deny:\n    packages: [telnetd]\n");
        try
        {
            var denied = await Workspace.RunAsync("commit", id, "--as", "denied.vse.yaml");
            Assert.Equal(3, denied.ExitCode);
            Assert.Contains("package 'telnetd' is denied by site policy", denied.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(Workspace.Root, "denied.vse.yaml")));
        }
        finally
        {
            File.Delete(policy);
        }
    }

    /// <summary>Every entry below a directory, links not followed: path, type, mode, and a file's content or a link's target.</summary>
    private static List<string> TreeListing(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .Select(path =>
            {
                var what = new FileInfo(path).LinkTarget is { } target ? $"link -> {target}"
                    : Directory.Exists(path) ? $"dir {Mode(path)}"
                    : $"file {Mode(path)} {File.ReadAllText(path)}";
                return $"{Path.GetRelativePath(root, path)}: {what}";
            })];

    /// <summary>The tree's entries in an exported tar as busybox's <c>stat -c '%n %u:%g %a'</c> prints them, in its sort order.</summary>
    private static async Task<string[]> OwnersAndModesAsync(string archive, string tree)
    {
        var lines = new List<string>();
        await using var reader = new System.Formats.Tar.TarReader(File.OpenRead(archive));
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            var name = entry.Name.TrimStart('.', '/').TrimEnd('/');
            if (name == tree || name.StartsWith(tree + "/", StringComparison.Ordinal))
            {
                lines.Add($"{name} {entry.Uid}:{entry.Gid} {Convert.ToString((int)entry.Mode, 8)}");
            }
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }

    /// <summary>Without set-user-id and set-group-id, which vse cp drops from what it copies out (OwnersAndModes sees them).</summary>
    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path) & ~0b110_000_000_000, 8);

    private Task<(int ExitCode, string Output)> OnTerminalAsync(string[] arguments, string input) =>
        VseProcess.RunOnTerminalAsync(Workspace.Environment, input, arguments);
}
