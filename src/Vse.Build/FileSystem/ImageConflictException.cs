using Vse.Host;

namespace Vse.Build.FileSystem;

/// <summary>
/// What a step or an archive asks for does not fit what the image holds: a file where a
/// directory is needed, a directory where a file or link would go, a hard link to nothing. The
/// input's fault (the description's steps, or an archive that contradicts itself), so it is
/// reported as bad input, not as a failure of the host.
/// </summary>
public sealed class ImageConflictException(string message) : IOException(message), IInputError;
