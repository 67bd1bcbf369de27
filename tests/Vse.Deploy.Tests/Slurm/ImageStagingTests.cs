using System.Diagnostics;
using System.Security.Cryptography;
using Vse.Deploy.Slurm;
using Vse.State;

namespace Vse.Deploy.Tests.Slurm;

/// <summary>
/// Each route of <see cref="ImageStaging"/> on directories standing in for the submit host's store
/// and a node's data directory; SlurmTests takes the shared, broadcast and cached routes on real nodes.
/// </summary>
public sealed class ImageStagingTests : IDisposable
{
    private const string Description = "{\"name\":\"staged\"}";

    private readonly string _root = Directory.CreateTempSubdirectory("vse-image-staging-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private VseHome NodeHome => new(Path.Combine(_root, "node"));

    /// <summary>An image in the "submit host's store" whose record is <paramref name="description"/>.</summary>
    private string Image(string description = Description)
    {
        var rootfs = Path.Combine(_root, "store", "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, ".vse"));
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        File.WriteAllText(Path.Combine(rootfs, ".vse", "description.json"), description + "\n");
        File.WriteAllText(Path.Combine(rootfs, "bin", "tool"), "payload");
        return rootfs;
    }

    /// <summary>The image exported as tar to where sbcast would put it, and the job that names it.</summary>
    private SlurmJob Job(StagingMode mode, string rootfs, bool broadcast = true, string? digest = null)
    {
        var destination = Path.Combine(_root, "incoming", "dep.tar");
        if (broadcast)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            using (var tar = Process.Start("tar", ["--create", "--file", destination, "--directory", rootfs, "--numeric-owner", "."]))
            {
                tar.WaitForExit();
                Assert.Equal(0, tar.ExitCode);
            }
        }

        var job = BatchScriptTests.Job() with { Staging = mode };
        job = job with { Configuration = job.Configuration with { RootfsPath = rootfs, DescriptionJson = Description } };
        return broadcast
            ? job with { Broadcast = new BroadcastImage("/submit/x.tar", digest ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(destination))), 1, destination) }
            : job;
    }

    [Fact]
    public async Task A_node_that_sees_the_store_takes_it_as_it_is()
    {
        var rootfs = Image();
        var (route, configuration) = await ImageStaging.StageAsync(Job(StagingMode.Auto, rootfs), NodeHome, "n1", CancellationToken.None);
        Assert.Equal(ImageStaging.SharedRoute, route);
        Assert.Equal(rootfs, configuration.RootfsPath);
        Assert.False(Directory.Exists(ImageStaging.CacheDirectory(NodeHome)));
    }

    [Fact]
    public async Task Broadcast_mode_ignores_a_visible_store_unpacks_the_checked_export_and_a_second_job_finds_it_cached()
    {
        var rootfs = Image();
        var job = Job(StagingMode.Broadcast, rootfs);

        var (route, configuration) = await ImageStaging.StageAsync(job, NodeHome, "n1", CancellationToken.None);

        Assert.Equal(ImageStaging.BroadcastRoute, route);
        Assert.Equal(Path.Combine(ImageStaging.CacheDirectory(NodeHome), job.Broadcast!.DigestHex, "rootfs"), configuration.RootfsPath);
        Assert.Equal("payload", File.ReadAllText(Path.Combine(configuration.RootfsPath, "bin", "tool")));
        Assert.Equal([job.Broadcast.DigestHex], Directory.GetFileSystemEntries(ImageStaging.CacheDirectory(NodeHome)).Select(Path.GetFileName));

        ImageStaging.Discard(job);
        Assert.False(File.Exists(job.Broadcast.Destination));
        Assert.Equal((ImageStaging.CachedRoute, configuration.RootfsPath), ImageStaging.Probe(job, NodeHome, "n1"));
        var again = await ImageStaging.StageAsync(job, NodeHome, "n1", CancellationToken.None);
        Assert.Equal(ImageStaging.CachedRoute, again.Route);
    }

    [Fact]
    public async Task A_node_without_the_image_needs_the_broadcast_in_auto_mode()
    {
        var rootfs = Image();
        var job = Job(StagingMode.Auto, rootfs);
        Directory.Delete(rootfs, recursive: true);

        Assert.Null(ImageStaging.Probe(job, NodeHome, "n2"));
        Assert.Equal(ImageStaging.BroadcastRoute, (await ImageStaging.StageAsync(job, NodeHome, "n2", CancellationToken.None)).Route);
    }

    [Fact]
    public async Task A_damaged_broadcast_is_refused_and_leaves_nothing_in_the_cache()
    {
        var job = Job(StagingMode.Broadcast, Image(), digest: "sha256:" + new string('0', 64));

        var error = await Assert.ThrowsAsync<ImageStagingException>(() => ImageStaging.StageAsync(job, NodeHome, "n3", CancellationToken.None));

        Assert.Contains($"node n3: the broadcast image {job.Broadcast!.Destination} has digest sha256:", error.Message);
        Assert.Contains($"not {job.Broadcast.Digest} (damaged on the way, or replaced)", error.Message);
        Assert.False(Directory.Exists(ImageStaging.CacheDirectory(NodeHome)));
    }

    [Fact]
    public async Task A_broadcast_that_did_not_arrive_says_so()
    {
        var job = Job(StagingMode.Broadcast, Image());
        File.Delete(job.Broadcast!.Destination);

        var error = await Assert.ThrowsAsync<ImageStagingException>(() => ImageStaging.StageAsync(job, NodeHome, "n1", CancellationToken.None));

        Assert.Equal($"node n1: the broadcast image {job.Broadcast.Destination} did not arrive (sbcast)", error.Message);
    }

    [Fact]
    public async Task An_export_of_another_configuration_is_refused_after_unpacking_and_not_cached()
    {
        var job = Job(StagingMode.Broadcast, Image("{\"name\":\"other\"}"));

        var error = await Assert.ThrowsAsync<ImageStagingException>(() => ImageStaging.StageAsync(job, NodeHome, "n1", CancellationToken.None));

        Assert.Contains("node n1: the broadcast image is not configuration 0123456789ab (its description differs)", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(ImageStaging.CacheDirectory(NodeHome)));
    }

    [Fact]
    public void Shared_mode_without_a_visible_store_is_a_clear_error()
    {
        var rootfs = Image();
        var job = Job(StagingMode.Shared, rootfs, broadcast: false);
        Directory.Delete(rootfs, recursive: true);

        var error = Assert.Throws<ImageStagingException>(() => ImageStaging.Probe(job, NodeHome, "n2"));

        Assert.Contains("node n2: the image", error.Message);
        Assert.Contains("is not visible here (no file system shared with the submit host); submit with --staging auto or broadcast", error.Message);
    }

    [Fact]
    public void A_visible_store_holding_another_configuration_is_refused()
    {
        var job = Job(StagingMode.Shared, Image("{\"name\":\"rebuilt\"}"), broadcast: false);

        var error = Assert.Throws<ImageStagingException>(() => ImageStaging.Probe(job, NodeHome, "n1"));

        Assert.Contains("is not configuration 0123456789ab (its description differs): rebuilt or replaced since submission", error.Message);
    }

    [Theory]
    [InlineData("sha256:../../etc")]
    [InlineData("md5:0123")]
    [InlineData("sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    public void A_digest_that_is_not_sha256_hex_never_names_a_directory(string digest) =>
        Assert.Throws<InvalidDataException>(() => new BroadcastImage("/x", digest, 1, "/y").DigestHex);
}
