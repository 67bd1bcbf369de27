namespace Vse.Build.Images;

/// <summary>The parts of an image's configuration that a built environment inherits.</summary>
/// <param name="Env">Environment, <c>NAME=VALUE</c> strings in the image's order.</param>
/// <param name="WorkingDir">Null when the image sets none.</param>
public sealed record ImageConfig(
    IReadOnlyList<string> Env,
    IReadOnlyList<string> Entrypoint,
    IReadOnlyList<string> Cmd,
    string? WorkingDir,
    string? User,
    string? Os,
    string? Architecture);
