using Vse.Host;

namespace Vse.Build.Layers;

/// <summary>
/// A description's captured layer cannot be used: its archive is missing, has another digest
/// than the description names (changed or replaced since <c>vse commit</c> wrote it), or does not
/// apply. The input's fault, reported with the digest as bad input (exit 2).
/// </summary>
public sealed class CapturedLayerException(string message, Exception? inner = null) : IOException(message, inner), IInputError;
