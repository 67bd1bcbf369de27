using Vse.Build.Layers;
using Vse.Deploy.Online;
using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Model;
using Vse.Host.FileSystem;

namespace Vse.Deploy.Tests.Online;

/// <summary>
/// <see cref="InstanceCommit"/> on changes of a real upper directory (files made here; the
/// integration twin commits a running instance: OnlineCommandTests), resolved as vse commit does.
/// </summary>
public sealed class InstanceCommitTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vse-commit-").FullName;

    private string Upper => Path.Combine(_root, "upper");

    private string Image => Path.Combine(_root, "image");

    private string Site => Path.Combine(_root, "site");

    private string Base => Path.Combine(_root, "base.vse.yaml");

    public InstanceCommitTests()
    {
        Directory.CreateDirectory(Upper);
        Directory.CreateDirectory(Image);
        Directory.CreateDirectory(Site);
        File.WriteAllText(Base, "vse: 1\nname: apps/base\nos: {base: busybox}\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Packages_files_links_and_deletions_become_steps_in_path_order()
    {
        var added = InUpper("etc/added", "line one\nsays \"${HOME}\" and $${x}\n", "600");
        var directory = Path.Combine(Upper, "srv/new");
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(Upper, "etc/link"), "added");
        var old = InUpper("old", "x", "644");
        FileChange[] files =
        [
            Change("/etc/added", FileChangeKind.Added, null, added),
            Change("/etc/gone", FileChangeKind.Deleted, old, null),
            Change("/etc/gone/inside", FileChangeKind.Deleted, old, null),
            Change("/etc/link", FileChangeKind.Added, null, Nodes.TryGetStatus(Path.Combine(Upper, "etc/link")), "added"),
            Change("/srv/new", FileChangeKind.Added, null, Nodes.TryGetStatus(directory)),
        ];
        PackageChange[] packages = [new("new", null, "0.1"), new("drop", "2.0", null), new("bump", "3.0", "3.1")];

        var text = await CommitAsync(files, packages);

        Assert.Equal(
            $$"""
            # Written by vse commit from instance test/4 (configuration abc): its description and what changed in the instance.
            vse: 1
            name: apps/base
            extends: "{{Base}}"
            # bump: 3.0 -> 3.1 in the instance; a build installs the version its suite has
            packages: {add: ["new"], remove: ["drop"]}
            files:
              - {write: "/etc/added", content: "line one\nsays \"$${HOME}\" and $$${x}\n", mode: "0600"}
              - {delete: "/etc/gone"}
              - {link: "added", to: "/etc/link"}
              - {mkdir: "/srv/new", mode: "0700"}

            """,
            text);
    }

    [Fact]
    public async Task The_ssh_host_key_an_instance_made_at_start_is_never_written_into_the_description()
    {
        var key = InUpper("etc/ssh/ssh_host_ed25519_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n", "600");
        var publicKey = InUpper("etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAA\n", "644");
        var config = InUpper("etc/ssh/sshd_config", "PermitRootLogin no\n", "644");

        var text = await CommitAsync(
            [
                Change("/etc/ssh/ssh_host_ed25519_key", FileChangeKind.Added, null, key),
                Change("/etc/ssh/ssh_host_ed25519_key.pub", FileChangeKind.Added, null, publicKey),
                Change("/etc/ssh/sshd_config", FileChangeKind.Changed, config, config, null, "content"),
            ],
            []);

        Assert.DoesNotContain("ssh_host_", text, StringComparison.Ordinal);
        Assert.Contains("{write: \"/etc/ssh/sshd_config\", content: \"PermitRootLogin no\\n\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_written_description_resolves_to_the_instance_content_byte_for_byte()
    {
        const string content = "quotes \" ' \\ tabs\t${env.HOME} $${x} $$ unicode \u00e9\u4e2d\n";
        var added = InUpper("etc/tricky", content, "640");

        var resolved = Resolve(await CommitAsync([Change("/etc/tricky", FileChangeKind.Added, null, added)], []));

        var step = Assert.Single(((StepListValue)resolved.Content["files"]!).Steps);
        Assert.Equal(content, ((ScalarValue)step.Body["content"]!).AsString);
        Assert.Equal("0640", ((ScalarValue)step.Body["mode"]!).AsString);
    }

    [Fact]
    public async Task A_package_the_site_denies_is_refused_at_commit_as_a_policy_violation()
    {
        File.WriteAllText(Path.Combine(Site, "policy.vse.yaml"), "vse: 1\npolicy:\n  deny:\n    packages: [telnetd]\n");
        var file = Path.Combine(_root, "commit.vse.yaml");
        File.WriteAllText(file, await CommitAsync([], [new("telnetd", null, "0.17")]));

        var result = DescriptionResolver.Resolve(file, Options());

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticKind.Policy, error.Kind);
        Assert.Equal("VSE0604", error.Code);
    }

    [Fact]
    public async Task What_dpkg_and_apt_wrote_for_a_package_change_is_left_to_the_packages_key()
    {
        var list = InUpper("var/lib/dpkg/info/new:amd64.list", "/usr/bin/new\n/usr/share/doc/new\n", "644");
        var binary = InUpper("usr/bin/new", "\0\u0001ELF", "755");
        var mine = InUpper("etc/mine", "kept\n", "644");

        var text = await CommitAsync(
            [
                Change("/etc/mine", FileChangeKind.Added, null, mine),
                Change("/usr/bin/new", FileChangeKind.Added, null, binary),
                Change("/var/lib/dpkg/info/new:amd64.list", FileChangeKind.Added, null, list),
            ],
            [new("new", null, "1.0")]);

        Assert.Contains("packages: {add: [\"new\"], remove: []}", text, StringComparison.Ordinal);
        Assert.Contains("{write: \"/etc/mine\", content: \"kept\\n\", mode: \"0644\"}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/usr/bin/new", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/var/lib/dpkg", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("binary", "ab\0cd")]
    [InlineData("latin1", null)]
    [InlineData("crlf", "a\r\nb\r\n")]
    [InlineData("large", "LARGE")]
    public async Task A_file_no_write_step_reproduces_goes_into_a_captured_layer_named_by_its_digest(string name, string? content)
    {
        var path = Path.Combine(Upper, name);
        if (content is null)
        {
            File.WriteAllBytes(path, [0x63, 0x61, 0x66, 0xe9, 0x0a]);
        }
        else
        {
            File.WriteAllText(path, content == "LARGE" ? new string('x', (int)InstanceCommit.LargestWrittenFile + 1) : content);
        }

        var committed = await CommitFullyAsync([Change("/" + name, FileChangeKind.Added, null, Nodes.TryGetStatus(path))], []);

        Assert.Equal(Path.Combine(_root, "commit.layer.tar"), committed.LayerArchive);
        var digest = await Vse.Build.Digests.ContentDigest.OfFileAsync(committed.LayerArchive!);
        Assert.EndsWith($"files:\n  - {{layer: \"commit.layer.tar\", digest: \"{digest}\"}}\n", committed.Text, StringComparison.Ordinal);
        var step = Assert.Single(((StepListValue)Resolve(committed.Text).Content["files"]!).Steps);
        Assert.Equal(committed.LayerArchive, ((ScalarValue)step.Body["layer"]!).AsString);
    }

    [Fact]
    public async Task Other_owners_are_captured_with_everything_below_a_directory_of_theirs_and_applied_after_the_steps()
    {
        var root = InUpper("etc/plain", "root's\n", "644");
        var mine = InUpper("srv/data/notes", "small text\n", "644");
        var directory = Nodes.TryGetStatus(Path.Combine(Upper, "srv/data"))! with { Uid = 1000, Gid = 1000 };

        var committed = await CommitFullyAsync(
            [
                Change("/etc/plain", FileChangeKind.Added, null, root),
                Change("/srv/data", FileChangeKind.Added, null, directory),
                Change("/srv/data/notes", FileChangeKind.Added, null, mine),
            ],
            []);

        Assert.Contains("files:\n  - {write: \"/etc/plain\", content: \"root's\\n\", mode: \"0644\"}\n  - {layer: \"commit.layer.tar\", digest: \"sha256:", committed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("/srv/data", committed.Text, StringComparison.Ordinal);
        await using var reader = new System.Formats.Tar.TarReader(File.OpenRead(committed.LayerArchive!));
        var names = new List<string>();
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        Assert.Equal(["srv/data/", "srv/data/notes"], names);
    }

    [Fact]
    public async Task A_device_is_refused_naming_the_path_and_nothing_is_written()
    {
        var device = Nodes.TryGetStatus(Upper)! with { Type = NodeType.CharacterDevice };

        var error = await Assert.ThrowsAsync<CommitRefusedException>(() => CommitAsync([Change("/dev/null2", FileChangeKind.Added, null, device)], []));

        Assert.StartsWith("/dev/null2: a CharacterDevice node", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "commit.layer.tar")));
    }

    [Fact]
    public async Task A_layer_archive_that_exists_is_never_overwritten()
    {
        var binary = InUpper("bin.dat", "\0", "644");
        File.WriteAllText(Path.Combine(_root, "commit.layer.tar"), "someone else's");

        var error = await Assert.ThrowsAsync<CommitRefusedException>(() => CommitAsync([Change("/bin.dat", FileChangeKind.Added, null, binary)], []));

        Assert.Contains("exists", error.Message, StringComparison.Ordinal);
        Assert.Equal("someone else's", File.ReadAllText(Path.Combine(_root, "commit.layer.tar")));
    }

    [Theory]
    [InlineData("/a/app.vse.yaml", "/a/app.layer.tar")]
    [InlineData("/a/app.yaml", "/a/app.layer.tar")]
    [InlineData("/a/app.txt", "/a/app.txt.layer.tar")]
    public void The_layer_archive_lies_beside_the_description(string file, string archive) =>
        Assert.Equal(archive, InstanceCommit.LayerArchivePath(file));

    [Fact]
    public async Task A_symlink_or_a_node_of_another_type_replaces_what_was_there()
    {
        var directory = Nodes.TryGetStatus(Image)!;
        File.CreateSymbolicLink(Path.Combine(Upper, "opt"), "/srv");
        var link = Nodes.TryGetStatus(Path.Combine(Upper, "opt"))!;

        var text = await CommitAsync(
            [
                Change("/opt", FileChangeKind.Changed, directory, link, "/srv", "type"),
                Change("/opt-sibling", FileChangeKind.Added, null, directory),
                Change("/opt/inside", FileChangeKind.Deleted, directory, null),
            ],
            []);

        Assert.EndsWith("files:\n  - {delete: \"/opt\"}\n  - {link: \"/srv\", to: \"/opt\"}\n  - {mkdir: \"/opt-sibling\", mode: \"0755\"}\n", text, StringComparison.Ordinal);
    }

    private async Task<string> CommitAsync(IReadOnlyList<FileChange> files, IReadOnlyList<PackageChange> packages) =>
        (await CommitFullyAsync(files, packages)).Text;

    private Task<CommittedDescription> CommitFullyAsync(IReadOnlyList<FileChange> files, IReadOnlyList<PackageChange> packages) =>
        InstanceCommit.WriteAsync(new InstanceChanges("abc", files, packages), Upper, Image, "apps/base", Base, "instance test/4", Path.Combine(_root, "commit.vse.yaml"), CancellationToken.None);

    private ResolvedDescription Resolve(string text)
    {
        var file = Path.Combine(_root, "commit.vse.yaml");
        File.WriteAllText(file, text);
        var result = DescriptionResolver.Resolve(file, Options());
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }

    private ResolveOptions Options()
    {
        var environment = new Dictionary<string, string> { ["VSE_SITE_DIR"] = Site, ["HOME"] = "/root" };
        return new ResolveOptions(SearchPath.FromEnvironment(environment, null), environment);
    }

    private NodeStatus InUpper(string relative, string content, string mode)
    {
        var path = Path.Combine(Upper, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));
        return Nodes.TryGetStatus(path)!;
    }

    private static FileChange Change(string path, FileChangeKind kind, NodeStatus? before, NodeStatus? after, string? target = null, params string[] aspects) =>
        new(path, kind, before, after, aspects, target);
}
