namespace Vse.Build.Exports;

/// <summary>What an exported image says about itself besides its files; only the OCI export records all of it.</summary>
/// <param name="Name">The description's name; the OCI title label.</param>
/// <param name="DescriptionDigest">The resolved description's digest (<c>sha256:…</c>), recorded so an image can be traced to its description.</param>
/// <param name="Env">The environment of processes started in the image.</param>
/// <param name="Command">The default command, as an argument vector; null when the image has none.</param>
/// <param name="WorkingDirectory">Null for the runtime's default (<c>/</c>).</param>
public sealed record ExportedImageConfig(
    string Name,
    string DescriptionDigest,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<string>? Command,
    string? WorkingDirectory)
{
    /// <summary>What a description's image says about itself: its environment and its <c>run</c> command, through a shell.</summary>
    public static ExportedImageConfig Of(string name, string descriptionDigest, Vse.Description.Model.RuntimeModel model) =>
        new(name, descriptionDigest, model.Env, model.Run is { } run ? ["/bin/sh", "-c", run] : null, null);
}
