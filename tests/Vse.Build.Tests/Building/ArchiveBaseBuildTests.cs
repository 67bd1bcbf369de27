using Vse.Build.Exports;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Build.Steps;
using Vse.Build.Tests.Support;

namespace Vse.Build.Tests.Building;

/// <summary>Bases from archives and directories, and hostile ones.</summary>
[Collection(BuildCollection.Name)]
public sealed class ArchiveBaseBuildTests(BuildFixture fixture)
{
    [SkippableFact]
    public async Task An_image_exported_as_oci_is_a_base_for_another_build()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        var first = await fixture.Builder.BuildAsync(fixture.Resolve("test/oci-source", """
            vse: 1
            name: test/oci-source
            os: {base: busybox}
            files: [{write: /etc/from-oci, content: "inside the archive\n"}]
            """), false, null, CancellationToken.None);
        var layout = Path.Combine(fixture.Root, "exported-oci");
        await ImageExporter.ExportAsync(first.Rootfs, new ExportedImageConfig("test/oci-source", "sha256:00", new Dictionary<string, string>(), null, null),
            new ExportTarget(ExportFormat.Oci, layout), CancellationToken.None);

        var derived = await fixture.Builder.BuildAsync(fixture.Resolve("test/oci-derived", $$"""
            vse: 1
            name: test/oci-derived
            os: {base: "oci-archive:{{layout}}"}
            build: [{run: "cat /etc/from-oci > /copied"}]
            """), false, null, CancellationToken.None);
        Assert.Equal("inside the archive\n", File.ReadAllText(Path.Combine(derived.Rootfs, "copied")));
        Assert.StartsWith("oci-archive:sha256:", File.ReadAllText(Path.Combine(derived.Rootfs, MetadataStep.LockPath.TrimStart('/'))).Split("\"base\": \"")[1]);
    }

    [SkippableFact]
    public async Task A_tar_base_whose_member_climbs_out_of_the_image_is_refused_and_the_host_is_untouched()
    {
        Requirements.Root();
        var victim = Path.Combine(fixture.Root, "victim.txt");
        await File.WriteAllTextAsync(victim, "original");
        var depth = string.Concat(Enumerable.Repeat("../", 12));
        var tar = Path.Combine(fixture.Root, "hostile.tar");
        await File.WriteAllBytesAsync(tar, new TarBuilder()
            .File("etc/ok", "fine")
            .File(depth + victim.TrimStart('/'), "pwned")
            .ToArray());

        var resolved = fixture.Resolve("test/hostile-tar", $$"""
            vse: 1
            name: test/hostile-tar
            os: {base: "tar:{{tar}}"}
            """);
        var error = await Assert.ThrowsAsync<StepFailedException>(() => fixture.Builder.BuildAsync(resolved, false, null, CancellationToken.None));
        Assert.IsType<UnsafePathException>(error.InnerException);
        Assert.Equal("original", await File.ReadAllTextAsync(victim));
    }

    [SkippableFact]
    public async Task Symlinks_in_the_base_cannot_lead_files_steps_out_of_the_image()
    {
        Requirements.Root();
        var outside = Path.Combine(fixture.Root, "outside-dir");
        Directory.CreateDirectory(outside);
        var source = Path.Combine(fixture.Root, "linked-rootfs");
        Directory.CreateDirectory(source);
        File.CreateSymbolicLink(Path.Combine(source, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(source, "up"), string.Concat(Enumerable.Repeat("../", 12)) + outside.TrimStart('/'));

        var result = await fixture.Builder.BuildAsync(fixture.Resolve("test/planted-link", $$"""
            vse: 1
            name: test/planted-link
            os: {base: "rootfs:{{source}}"}
            files:
              - {write: /escape/written, content: "x"}
              - {write: /up/climbed, content: "y"}
              - {copy: ./payload.txt, to: /escape/copied}
            """, new Dictionary<string, string> { ["payload.txt"] = "z" }), false, null, CancellationToken.None);

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        var inside = Path.Combine(result.Rootfs, outside.TrimStart('/'));
        Assert.Equal("x", File.ReadAllText(Path.Combine(inside, "written")));
        Assert.Equal("y", File.ReadAllText(Path.Combine(inside, "climbed")));
        Assert.Equal("z", File.ReadAllText(Path.Combine(inside, "copied")));
    }

    [SkippableFact]
    public async Task A_rootfs_base_is_copied_so_later_changes_to_it_do_not_reach_the_layer()
    {
        Requirements.Root();
        var source = Path.Combine(fixture.Root, "my-rootfs");
        Directory.CreateDirectory(Path.Combine(source, "etc"));
        await File.WriteAllTextAsync(Path.Combine(source, "etc", "issue"), "v1");
        var yaml = $$"""
            vse: 1
            name: test/rootfs-base
            os: {base: "rootfs:{{source}}"}
            """;
        var first = await fixture.Builder.BuildAsync(fixture.Resolve("test/rootfs-base", yaml), false, null, CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(source, "etc", "issue"), "v2");
        Assert.Equal("v1", await File.ReadAllTextAsync(Path.Combine(first.Rootfs, "etc", "issue")));

        var second = await fixture.Builder.BuildAsync(fixture.Resolve("test/rootfs-base", yaml), false, null, CancellationToken.None);
        Assert.NotEqual(first.Layers[0].Key, second.Layers[0].Key);
        Assert.Equal("v2", await File.ReadAllTextAsync(Path.Combine(second.Rootfs, "etc", "issue")));
        Assert.True(Nodes.TryGetStatus(Path.Combine(second.Rootfs, "etc")) is { IsDirectory: true });
    }
}
