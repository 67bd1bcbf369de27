using Vse.Host;

namespace Vse.Deploy.Online;

/// <summary>An instance change that <c>vse commit</c> cannot write as a description (yet): exit 2, nothing written.</summary>
public sealed class CommitRefusedException(string message) : Exception(message), IInputError;
