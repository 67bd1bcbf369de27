namespace Vse.Build.Locks;

/// <summary>A lock file given to <c>vse build --locked</c> that cannot pin this build; the message is the whole one-line error.</summary>
public sealed class LockFileException(string message) : Exception(message), Vse.Host.IInputError;
