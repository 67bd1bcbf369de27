using Vse.Host;

namespace Vse.Build.Bases;

/// <summary>The description names a base this vse cannot build (the message says why).</summary>
public sealed class UnsupportedBaseException(string message) : Exception(message), IInputError;
