namespace Vse.Build.Registry;

/// <summary>A registry refused or failed a push or pull (unreachable, refused credentials, a blob that did not match its digest).</summary>
public sealed class RegistryFailureException(string message) : Exception(message);
