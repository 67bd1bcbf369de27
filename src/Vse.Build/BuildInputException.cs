using Vse.Host;

namespace Vse.Build;

/// <summary>The description cannot be built as written (e.g. no <c>os.base</c>); the user must change it.</summary>
public sealed class BuildInputException(string message) : Exception(message), IInputError;
