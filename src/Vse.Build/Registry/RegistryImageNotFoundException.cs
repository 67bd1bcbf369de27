using Vse.Host;

namespace Vse.Build.Registry;

/// <summary>The registry has no such repository, tag or digest: the user named something that is not there (exit code 2).</summary>
public sealed class RegistryImageNotFoundException(string reference)
    : Exception($"{reference}: the registry has no such image (no manifest for this tag or digest)"), IInputError;
