namespace Vse.State.Deployments;

/// <summary>Deployment ids: 8 random lowercase hex digits, short enough to type, checked for uniqueness on creation.</summary>
public static class DeploymentIds
{
    public const int Length = 8;

    /// <summary>
    /// The first 4 bytes of a version-4 GUID, all random (its fixed version and variant bits lie
    /// further on): Guid.NewGuid reads the kernel's random source through libSystem.Native, where
    /// RandomNumberGenerator loads OpenSSL, which cost every one-shot <c>vse run</c> its load.
    /// </summary>
    public static string New() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, Length / 2));
}
