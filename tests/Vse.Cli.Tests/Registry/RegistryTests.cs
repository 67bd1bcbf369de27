using System.Text.Json.Nodes;

namespace Vse.Cli.Tests.Registry;

/// <summary>
/// <c>vse push</c> and <c>docker://</c> bases against a real registry on loopback (one per class,
/// <see cref="LoopbackRegistry"/>): a pushed image pulled into a clean VSE_HOME runs, a layer the
/// registry holds is not sent again (its access log counts the uploads), a blob altered in the
/// registry's storage is refused, and a missing tag is a clear error (docs/registry.md).
/// </summary>
public sealed class RegistryTests(LoopbackRegistry registry) : IClassFixture<LoopbackRegistry>
{
    private const string Image = """
        vse: 1
        name: pushed
        os:
          base: busybox
        build:
          - id: one
            run: echo one > /one && rm -rf /var
          - id: two
            run: echo two > /two
        run: test ! -e /var && cat /one /two
        """;

    [SkippableFact]
    public async Task A_pushed_image_is_pulled_into_a_clean_home_and_runs_and_a_second_build_pulls_nothing()
    {
        Require();
        using var pusher = new Workspace();
        pusher.Write("app.vse.yaml", Image);
        Assert.Equal(0, (await pusher.RunAsync("build", "app.vse.yaml")).ExitCode);
        var pushed = await pusher.RunAsync("push", "pushed", registry.Reference("run/pushed", "v1"));
        Assert.True(pushed.ExitCode == 0, pushed.Stderr);
        var digest = pushed.Stdout.Trim();
        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
        Assert.Contains("4 layers, 4 sent", pushed.Stderr, StringComparison.Ordinal);

        using var puller = new Workspace();
        puller.Write("from.vse.yaml", $"vse: 1\nname: from\nos:\n  base: {registry.Reference("run/pushed", "v1")}\nbuild:\n  - id: three\n    run: echo three > /three\n");
        var run = await puller.RunAsync("run", "from.vse.yaml", "--", "/bin/sh", "-c", "test ! -e /var && cat /one /two /three");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("one\ntwo\nthree\n", run.Stdout);

        // By digest, the same image: the same base layer, found in the store; nothing is fetched.
        var blobReads = BlobReads();
        puller.Write("pinned.vse.yaml", $"vse: 1\nname: pinned\nos:\n  base: docker://127.0.0.1:{registry.Port}/run/pushed@{digest}\n");
        var pinned = await puller.RunAsync("build", "pinned.vse.yaml");
        Assert.True(pinned.ExitCode == 0, pinned.Stderr);
        Assert.Contains("base docker://", pinned.Stdout.Split('\n').Single(line => line.StartsWith("[1/2]", StringComparison.Ordinal) && !line.EndsWith("running", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("cached", pinned.Stdout.Split('\n').Single(line => line.StartsWith("[1/2]", StringComparison.Ordinal) && !line.EndsWith("running", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(blobReads, BlobReads());
    }

    [SkippableFact]
    public async Task A_second_push_after_a_one_step_change_sends_only_the_changed_layers()
    {
        Require();
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", Image);
        Assert.Equal(0, (await workspace.RunAsync("build", "app.vse.yaml")).ExitCode);
        var first = await workspace.RunAsync("push", "pushed", registry.Reference("change/pushed", "v1"));
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(0, CachedLayers(first.Stderr));
        var uploadsBefore = registry.CompletedBlobUploads();

        workspace.Write("app.vse.yaml", Image.Replace("echo two > /two", "echo TWO > /two", StringComparison.Ordinal));
        var rebuilt = await workspace.RunAsync("build", "app.vse.yaml");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Stderr);
        var id = rebuilt.Stdout.Split("configuration ")[1].Split(' ')[0];
        var second = await workspace.RunAsync("push", id, registry.Reference("change/pushed", "v2"));

        // The changed step's layer and the metadata layer above it (it records the description),
        // and the image config: the base and the first step's layer are already there.
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("4 layers, 2 sent", second.Stderr, StringComparison.Ordinal);
        Assert.Contains("2 already there", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, CachedLayers(second.Stderr));
        Assert.Equal(3, registry.CompletedBlobUploads() - uploadsBefore);
        Assert.NotEqual(first.Stdout, second.Stdout);

        // Pushing the same configuration again sends nothing but finds the same manifest.
        var uploadsAfter = registry.CompletedBlobUploads();
        var again = await workspace.RunAsync("push", id, registry.Reference("change/pushed", "v2"));
        Assert.Equal(second.Stdout, again.Stdout);
        Assert.Contains("0 sent", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(uploadsAfter, registry.CompletedBlobUploads());

        // The same layers again: every blob comes from the store's cache, none is made again.
        Assert.Equal(4, CachedLayers(again.Stderr));

        // The first configuration's own layers go, and with them their blobs; the others stay.
        var blobs = Path.Combine(workspace.VseHome, "store", "layer-blobs");
        Assert.Equal(6, Directory.GetDirectories(blobs).Length);
        var firstId = first.Stderr.Split("pushed pushed (")[1].Split(')')[0];
        var destroyed = await workspace.RunAsync("destroy", firstId);
        Assert.True(destroyed.ExitCode == 0, destroyed.Stderr);
        var left = Directory.GetDirectories(blobs).Select(Path.GetFileName).ToList();
        Assert.Equal(4, left.Count);
        Assert.All(left, entry => Assert.True(Directory.Exists(Path.Combine(workspace.VseHome, "store", "layers", entry!.Split('.')[0])), entry));
        Assert.Equal(4, CachedLayers((await workspace.RunAsync("push", id, registry.Reference("change/pushed", "v2"))).Stderr));
    }

    [SkippableFact]
    public async Task A_blob_altered_in_the_registry_is_refused()
    {
        Require();
        using var pusher = new Workspace();
        pusher.Write("app.vse.yaml", Image.Replace("name: pushed", "name: altered", StringComparison.Ordinal));
        Assert.Equal(0, (await pusher.RunAsync("build", "app.vse.yaml")).ExitCode);
        var pushed = await pusher.RunAsync("push", "altered", registry.Reference("tamper/altered", "v1"));
        Assert.True(pushed.ExitCode == 0, pushed.Stderr);
        var manifest = JsonNode.Parse(File.ReadAllText(registry.BlobFile(pushed.Stdout.Trim())))!;
        var layer = (string)manifest["layers"]!.AsArray()[^1]!["digest"]!;
        await using (var gzip = new System.IO.Compression.GZipStream(File.Create(registry.BlobFile(layer)), System.IO.Compression.CompressionLevel.Fastest))
        {
            await gzip.WriteAsync("not the layer that was pushed"u8.ToArray());
        }

        using var puller = new Workspace();
        puller.Write("from.vse.yaml", $"vse: 1\nname: from\nos:\n  base: {registry.Reference("tamper/altered", "v1")}\n");
        var build = await puller.RunAsync("build", "from.vse.yaml");

        Assert.Equal(4, build.ExitCode);
        Assert.Contains($"Digest did not match, expected {layer}", build.ErrorLines.Single(line => line.StartsWith("vse: error:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(puller.VseHome, "store", "tmp")));
    }

    [SkippableFact]
    public async Task A_missing_tag_or_a_bad_destination_is_a_clear_error()
    {
        Require();
        using var workspace = new Workspace();
        workspace.Write("from.vse.yaml", $"vse: 1\nname: from\nos:\n  base: {registry.Reference("no/such", "tag")}\n");
        var build = await workspace.RunAsync("build", "from.vse.yaml");
        Assert.Equal(2, build.ExitCode);
        Assert.Equal($"vse: error: {registry.Reference("no/such", "tag")}: the registry has no such image (no manifest for this tag or digest)", build.ErrorLines.Single(line => line.StartsWith("vse:", StringComparison.Ordinal)));

        var push = await workspace.RunAsync("push", "whatever", "docker://127.0.0.1/Upper:v1");
        Assert.Equal(2, push.ExitCode);
        Assert.Equal("vse: error: docker://127.0.0.1/Upper:v1: the name component 'Upper' must be lowercase letters and digits, separated by '.', '_', '__' or dashes", push.ErrorLines.Single());
    }

    private void Require()
    {
        Requirements.Root();
        Requirements.Tool("skopeo");
        if (registry.Missing is { } missing)
        {
            Requirements.Missing(missing);
        }
    }

    /// <summary>The layers whose blob a push found in the store's cache (<c>push: layer …, N bytes (cached)</c>).</summary>
    private static int CachedLayers(string stderr) =>
        stderr.Split('\n').Count(line => line.StartsWith("push: layer ", StringComparison.Ordinal) && line.EndsWith(" bytes (cached)", StringComparison.Ordinal));

    private int BlobReads() =>
        File.ReadLines(registry.LogFile).Count(line => line.Contains("\"GET /v2/", StringComparison.Ordinal) && line.Contains("/blobs/sha256:", StringComparison.Ordinal));
}
