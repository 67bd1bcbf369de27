using System.Formats.Tar;
using Vse.Build.Exports;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Store;
using Vse.Build.Tests.Exports;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Building;

/// <summary>
/// Images built with links out of themselves (files steps and a tar base), and a tar base with
/// device nodes and a set-user-ID root file: size, exports, store usage and deletion stay
/// inside the image; a dir export puts no device and no set-ID bit on the host, and says so.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class HostEscapingBuildTests(BuildFixture fixture)
{
    private const UnixFileMode Mode666 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    [Fact]
    public async Task Links_from_files_steps_to_the_host_add_only_themselves_to_the_image()
    {
        var plain = await BuildAsync(fixture.Builder, "test/links-none", "[{write: /own, content: \"1234\"}]");
        var linked = await BuildAsync(fixture.Builder, "test/links-out", """
            [{write: /own, content: "1234"}, {link: /tmp, to: /evil}, {link: /, to: /rootlink}, {link: /usr/share, to: /share},
             {mkdir: /a/b/c}, {link: ../../../.., to: /a/b/c/up}]
            """);

        var size = await Deadline.Run(token => TreeSize.Of(linked.Rootfs, token));

        // The links are not regular files; only the lock file's different text can differ.
        Assert.InRange(size, TreeSize.Of(plain.Rootfs) - 1024, TreeSize.Of(plain.Rootfs) + 1024);
        Assert.InRange(size, 1, 1024 * 1024);
    }

    [Fact]
    public async Task A_tar_base_with_links_to_the_host_is_measured_exported_and_deleted_as_itself()
    {
        using var canaryOwner = new CanaryFile();
        using var work = new TempDirectory();
        var store = new LayerStore(work.Combine("store"));
        var tar = work.Combine("base.tar");
        await File.WriteAllBytesAsync(tar, new TarBuilder()
            .File("etc/hostname", "tarbase\n")
            .Symlink("s", "/tmp")
            .Symlink("r", "/")
            .ToArray());

        var built = await BuildAsync(new ImageBuilder(store, TimeProvider.System), "test/tar-links", "[]", $"tar:{tar}");

        Assert.InRange(await Deadline.Run(token => TreeSize.Of(built.Rootfs, token)), 1, 1024 * 1024);
        Assert.InRange(await Deadline.Run(token => store.DiskUsage(token)), 1, 1024 * 1024);
        var dir = work.Combine("export-dir");
        await Deadline.RunAsync(token => ImageExporter.ExportAsync(built.Rootfs, SampleTree.Config, new ExportTarget(ExportFormat.Dir, dir), token));
        Assert.Equal("/tmp", new FileInfo(Path.Combine(dir, "s")).LinkTarget);
        Assert.DoesNotContain(TreeWalker.Walk(dir, FileSystemBoundary.Stay, CancellationToken.None), entry => entry.Name == canaryOwner.Name);

        await Deadline.Run(token =>
        {
            foreach (var key in store.LayerDirectoryNames(token).ToList())
            {
                store.Delete(key, token);
            }

            return store.CleanTemporaries(token);
        });
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.LayersDirectory));
        canaryOwner.AssertIntact();
    }

    [SkippableFact]
    public async Task A_dir_export_creates_no_device_node_and_no_set_id_bit_and_says_so_while_tar_keeps_them()
    {
        Requirements.Root();
        Requirements.Tool("tar");
        using var work = new TempDirectory();
        var tar = work.Combine("devices.tar");
        await File.WriteAllBytesAsync(tar, new TarBuilder()
            .Directory("dev")
            .Add(new PaxTarEntry(TarEntryType.CharacterDevice, "dev/mem") { Mode = Mode666, DeviceMajor = 1, DeviceMinor = 1, ModificationTime = TarBuilder.DefaultTime })
            .Add(new PaxTarEntry(TarEntryType.BlockDevice, "dev/vda") { Mode = Mode666, DeviceMajor = 254, DeviceMinor = 0, ModificationTime = TarBuilder.DefaultTime })
            .File("bin/rootshell", "#!/bin/sh\n", TarBuilder.Mode755 | UnixFileMode.SetUser)
            .File("bin/groupshell", "#!/bin/sh\n", TarBuilder.Mode755 | UnixFileMode.SetGroup)
            .ToArray());
        var built = await BuildAsync(fixture.Builder, "test/devices", "[]", $"tar:{tar}");
        Assert.Equal(NodeType.CharacterDevice, Nodes.TryGetStatus(Path.Combine(built.Rootfs, "dev/mem"))!.Type);

        var dir = work.Combine("export-dir");
        var result = await ImageExporter.ExportAsync(built.Rootfs, SampleTree.Config, new ExportTarget(ExportFormat.Dir, dir), CancellationToken.None);

        Assert.Equal(2, result.DeviceNodesSkipped);
        Assert.Equal(2, result.SetIdBitsCleared);
        Assert.Contains(result.Warnings, line => line.StartsWith("2 device nodes not created", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, line => line.StartsWith("set-user-ID/set-group-ID bits cleared on 2 files", StringComparison.Ordinal));
        var exported = TreeWalker.Walk(dir, FileSystemBoundary.Stay, CancellationToken.None).ToList();
        Assert.DoesNotContain(exported, entry => entry.Status.Type is NodeType.CharacterDevice or NodeType.BlockDevice);
        Assert.DoesNotContain(exported, entry => !entry.Status.IsDirectory && (entry.Status.Mode & (UnixFileMode.SetUser | UnixFileMode.SetGroup)) != 0);
        Assert.Equal(TarBuilder.Mode755, Nodes.TryGetStatus(Path.Combine(dir, "bin/rootshell"))!.Mode);
        Assert.Equal("#!/bin/sh\n", File.ReadAllText(Path.Combine(dir, "bin/rootshell")));

        var archive = work.Combine("export.tar");
        Assert.Equal(ExportResult.Unchanged, await ImageExporter.ExportAsync(built.Rootfs, SampleTree.Config, new ExportTarget(ExportFormat.Tar, archive), CancellationToken.None));
        await using var stream = File.OpenRead(archive);
        using var reader = new TarReader(stream);
        var members = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            members[entry.Name] = entry;
        }

        Assert.Equal(TarEntryType.CharacterDevice, members["./dev/mem"].EntryType);
        Assert.Equal(Mode666, members["./dev/mem"].Mode);
        Assert.Equal(TarEntryType.BlockDevice, members["./dev/vda"].EntryType);
        Assert.True(members["./bin/rootshell"].Mode.HasFlag(UnixFileMode.SetUser));
        Assert.True(members["./bin/groupshell"].Mode.HasFlag(UnixFileMode.SetGroup));
    }

    [Fact]
    public async Task Edit_steps_on_links_that_lead_to_the_hosts_files_change_only_the_image()
    {
        // A host file an absolute link (/tmp/NAME) and a climbing one (../../../../tmp/NAME) name:
        // the edits must read and write the image's /tmp/NAME, never this one.
        var name = "vse-edit-canary-" + Guid.NewGuid().ToString("N");
        var host = Path.Combine("/tmp", name);
        await File.WriteAllTextAsync(host, "key = host\n");
        var before = File.GetLastWriteTimeUtc(host);
        try
        {
            var built = await BuildAsync(fixture.Builder, "test/edit-links", $$$"""
                [{write: /tmp/{{{name}}}, content: "key = image\n"},
                 {link: /tmp/{{{name}}}, to: /etc/absolute.conf}, {link: ../../../../tmp/{{{name}}}, to: /etc/climbing.conf},
                 {edit: /etc/absolute.conf, append: "absolute = edited"},
                 {edit: /etc/climbing.conf, set: {key: edited}}]
                """);

            Assert.Equal("key = host\n", await File.ReadAllTextAsync(host));
            Assert.Equal(before, File.GetLastWriteTimeUtc(host));
            Assert.Equal("key = image\nabsolute = edited\n", await File.ReadAllTextAsync(Path.Combine(built.Rootfs, "etc/absolute.conf")));
            Assert.Equal("key = edited\n", await File.ReadAllTextAsync(Path.Combine(built.Rootfs, "etc/climbing.conf")));
        }
        finally
        {
            File.Delete(host);
        }
    }

    private async Task<BuildResult> BuildAsync(ImageBuilder builder, string name, string files, string @base = "scratch")
    {
        var resolved = fixture.Resolve(name, $$"""
            vse: 1
            name: {{name}}
            os: {base: "{{@base}}"}
            files: {{files.Replace("\n", " ", StringComparison.Ordinal)}}
            """);
        return await Deadline.RunAsync(token => builder.BuildAsync(resolved, false, null, token), TimeSpan.FromMinutes(3));
    }

    /// <summary>A canary file in the host's /tmp, where the tar base's link <c>s -> /tmp</c> leads.</summary>
    private sealed class CanaryFile : IDisposable
    {
        private readonly string path = HostEscapingTree.CreateCanary();

        public string Name => Path.GetFileName(path);

        public void AssertIntact() => Assert.Equal(HostEscapingTree.CanaryBytes, Nodes.TryGetStatus(path)?.Size);

        public void Dispose() => File.Delete(path);
    }
}
