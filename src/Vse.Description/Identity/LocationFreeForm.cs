using Vse.Description.Model;
using Vse.Host.FileSystem;

namespace Vse.Description.Identity;

/// <summary>
/// The location-free form of a resolved description: every <c>copy</c> step's source (an
/// absolute host path after resolution) replaced by the digest of what it copies
/// (<see cref="CopySourceDigest"/>), and every <c>layer</c> step's archive by the digest the step
/// names for it (the build refuses an archive with another). The description digest, the configuration id, the layer
/// keys and <c>/.vse/description.json</c> are made of this form, so two clones of one
/// repository, or one directory moved, give one identity; <c>vse resolve</c> still shows the
/// paths (<see cref="ResolvedDescription.Content"/>).
/// </summary>
public static class LocationFreeForm
{
    /// <summary>What a source that does not exist contributes; its build step fails on it.</summary>
    public const string AbsentSource = "absent";

    /// <summary>What a source that cannot be read as a copy contributes (a device, FIFO, socket, or unreadable).</summary>
    public const string UnreadableSource = "unreadable";

    public static MapValue Of(MapValue content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content["files"] is not StepListValue files || !files.Steps.Any(s => NamesHostPath(s.Body)))
        {
            return content;
        }

        var steps = files.Steps.Select(step => step with { Body = OfStep(step.Body, cancellationToken) });
        return content.With("files", new StepListValue([.. steps]));
    }

    /// <summary>A <c>files</c> step body in location-free form (unchanged unless it is a copy or a layer).</summary>
    public static MapValue OfStep(MapValue body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body["copy"] is ScalarValue { AsString: { } source } ? body.With("copy", ScalarValue.Of(SourceIdentity(source, cancellationToken)))
            : body["layer"] is ScalarValue && body["digest"] is ScalarValue digest ? body.With("layer", digest)
            : body;
    }

    /// <summary>The digest of a copy source, or a fixed word that says why it has none.</summary>
    public static string SourceIdentity(string hostPath, CancellationToken cancellationToken = default)
    {
        try
        {
            return CopySourceDigest.Of(hostPath, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return AbsentSource;
        }
        catch (DirectoryNotFoundException)
        {
            return AbsentSource;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return UnreadableSource;
        }
    }

    private static bool NamesHostPath(MapValue body) => body["copy"] is ScalarValue || body["layer"] is ScalarValue;
}
