using Vse.Build.Steps;
using Vse.Description;
using Vse.Description.Layers;

namespace Vse.Build.Tests.Building;

/// <summary>
/// Layer keys depend on what a copy step copies, not where it lies: one description tree in
/// two directories builds once, and a one-byte change re-runs the copy.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class LocationFreeBuildTests(BuildFixture fixture)
{
    private const string Copying = """
        vse: 1
        name: test/location-free
        os: {base: busybox}
        files:
          - {copy: ./payload, to: /opt/payload}
          - {copy: ./single.txt, to: /etc/single.txt}
        build:
          - {run: "cat /etc/single.txt > /single.copy"}
        """;

    [SkippableFact]
    public async Task The_same_tree_in_another_directory_is_all_cached_and_leaves_no_host_path_in_the_image()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        var first = await fixture.Builder.BuildAsync(ResolveIn("clone-a", "one"), noCache: false, progress: null, CancellationToken.None);
        var second = await fixture.Builder.BuildAsync(ResolveIn("elsewhere/clone-b", "one"), noCache: false, progress: null, CancellationToken.None);
        Assert.Equal(0, second.StepsRun);
        Assert.Equal(first.TopLayerKey, second.TopLayerKey);
        Assert.Equal(first.DescriptionJson, second.DescriptionJson);
        foreach (var metadata in new[] { MetadataStep.DescriptionPath, MetadataStep.LockPath })
        {
            Assert.DoesNotContain(fixture.Root, File.ReadAllText(Path.Combine(first.Rootfs, metadata.TrimStart('/'))));
        }
    }

    [SkippableFact]
    public async Task A_one_byte_change_in_a_copied_file_reruns_its_copy_and_what_follows()
    {
        Requirements.Root();
        Requirements.Tool("bwrap");
        await fixture.Builder.BuildAsync(ResolveIn("changing", "one"), noCache: false, progress: null, CancellationToken.None);
        var changed = await fixture.Builder.BuildAsync(ResolveIn("changing", "onf"), noCache: false, progress: null, CancellationToken.None);

        // The second copy, the run step and the metadata; the base and the first copy are cached.
        Assert.Equal(3, changed.StepsRun);
        Assert.Equal("onf", File.ReadAllText(Path.Combine(changed.Rootfs, "single.copy")));
    }

    private ResolvedDescription ResolveIn(string relativeDirectory, string single)
    {
        var directory = Path.Combine(fixture.Root, "location-free", relativeDirectory);
        Directory.CreateDirectory(Path.Combine(directory, "payload", "sub"));
        File.WriteAllText(Path.Combine(directory, "payload", "a.txt"), "A");
        File.WriteAllText(Path.Combine(directory, "payload", "sub", "b.txt"), "B");
        File.WriteAllText(Path.Combine(directory, "single.txt"), single);
        var file = Path.Combine(directory, "description.vse.yaml");
        File.WriteAllText(file, Copying);
        var options = new ResolveOptions(new SearchPath([], Path.Combine(fixture.Root, "no-site"), null), new Dictionary<string, string>());
        var result = DescriptionResolver.Resolve(file, options);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }
}
