using System.Text;
using System.Text.Json;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Description.Merge;

namespace Vse.Build.Steps;

/// <summary>
/// The last layer: <c>/.vse/description.json</c> (the resolved description, whose env, services
/// and boot options the drivers read), <c>/.vse/lock.json</c> (the environment's lock file:
/// base identity, every step's layer key, the installed package versions, the policy digest)
/// and the description's env in <c>/etc/environment</c> for logins (<see cref="EnvironmentFile"/>).
/// </summary>
/// <param name="DescriptionJson">The canonical JSON of the resolved description.</param>
/// <param name="Env">The description's env (<see cref="Vse.Description.Model.RuntimeModel.Env"/>), for <c>/etc/environment</c>.</param>
/// <param name="Layers">Every earlier step's title and key, base first.</param>
public sealed record MetadataStep(
    string Name,
    string DescriptionDigest,
    string DescriptionJson,
    IReadOnlyDictionary<string, string> Env,
    string? Target,
    string BaseIdentity,
    IReadOnlyList<(string Title, string Key)> Layers,
    string PolicyDigest) : BuildStep("metadata /.vse")
{
    public const string DescriptionPath = "/.vse/description.json";
    public const string LockPath = "/.vse/lock.json";

    // "environment": layers made before /etc/environment was written carry another key.
    public override string Canonical => $$"""{"environment":1,"metadata":{{CanonicalJson.Quote(DescriptionDigest)}},"policy":{{CanonicalJson.Quote(PolicyDigest)}}}""";

    /// <summary>The description JSON differs in lineage and target even when its digest does not.</summary>
    public override Task<string> InputDigestAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Digests.ContentDigest.OfBytes(Encoding.UTF8.GetBytes(DescriptionJson)));

    public override async Task ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var root = new ImageRoot(context.Rootfs);
        var mode = (UnixFileMode)0b110_100_100;
        root.CreateDirectory("/.vse", (UnixFileMode)0b111_101_101, ImageOwner.Root, cancellationToken);
        await root.WriteFileAsync(DescriptionPath, Encoding.UTF8.GetBytes(DescriptionJson + "\n"), mode, ImageOwner.Root, cancellationToken);
        var packages = await InstalledPackages.ReadAsync(root, cancellationToken);
        await root.WriteFileAsync(LockPath, LockJson(packages), mode, ImageOwner.Root, cancellationToken);
        await WriteEnvironmentAsync(root, mode, cancellationToken);
    }

    private async Task WriteEnvironmentAsync(ImageRoot root, UnixFileMode mode, CancellationToken cancellationToken)
    {
        if (Env.Count == 0 || root.TryGetStatus("/etc", cancellationToken) is not { IsDirectory: true })
        {
            return;
        }

        var existing = "";
        if (root.TryGetStatus(EnvironmentFile.Path, cancellationToken) is { Type: NodeType.RegularFile })
        {
            using var reader = new StreamReader(root.OpenRead(EnvironmentFile.Path, cancellationToken));
            existing = await reader.ReadToEndAsync(cancellationToken);
        }

        await root.WriteFileAsync(EnvironmentFile.Path, Encoding.UTF8.GetBytes(EnvironmentFile.Merge(existing, Env)), mode, ImageOwner.Root, cancellationToken);
    }

    private byte[] LockJson(SortedDictionary<string, string> packages)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("lockVersion", 1);
            json.WriteString("name", Name);
            json.WriteString("description", DescriptionDigest);
            json.WriteString("target", Target);
            json.WriteString("base", BaseIdentity);
            json.WriteStartArray("layers");
            foreach (var (title, key) in Layers)
            {
                json.WriteStartObject();
                json.WriteString("step", title);
                json.WriteString("key", key);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("packages");
            foreach (var (package, version) in packages)
            {
                json.WriteString(package, version);
            }

            json.WriteEndObject();
            json.WriteString("policy", PolicyDigest);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
