using Vse.Host;

namespace Vse.Deploy.Online;

/// <summary>A <c>vse cp</c> or <c>vse diff</c> the user can fix: a path that is not there, a destination that cannot take the copy, an archive from the instance that would leave the destination, an instance already gone.</summary>
public sealed class InstanceAccessException(string message) : IOException(message), IInputError;
