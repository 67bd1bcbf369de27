using Vse.State.Configurations;

namespace Vse.State.Tests.Support;

/// <summary>A temporary data directory for one test, removed afterwards, and sample records to put in it.</summary>
public sealed class StateWorkspace : IDisposable
{
    public StateWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("vse-state-tests-").FullName;
        Home = new VseHome(Path.Combine(Root, "home"));
    }

    public string Root { get; }

    public VseHome Home { get; }

    public Task<VseState> OpenAsync() => VseState.OpenAsync(Home, CancellationToken.None);

    /// <summary>A configuration whose digest is <paramref name="hex"/> padded with zeros to 64 digits.</summary>
    public static ConfigurationRecord Configuration(string hex, string name = "apps/hello", params string[] layers)
    {
        var digest = "sha256:" + hex.PadRight(64, '0');
        string[] keys = layers.Length == 0 ? [$"base-{hex}", $"step-{hex}"] : layers;
        return new ConfigurationRecord(
            Id: ConfigurationRecord.ShortId(digest),
            Name: name,
            DescriptionDigest: digest,
            Target: null,
            TopLayerKey: keys[^1],
            RootfsPath: $"/store/configurations/{hex}/rootfs",
            SizeBytes: 4096,
            CreatedAt: new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            LayerKeys: keys,
            DescriptionJson: """{"name":"apps/hello"}""",
            LockJson: """{"base":"busybox"}""");
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
