using System.Security.Cryptography;

namespace Vse.State.Deployments;

/// <summary>Deployment ids: 8 random lowercase hex digits, short enough to type, checked for uniqueness on creation.</summary>
public static class DeploymentIds
{
    public const int Length = 8;

    public static string New() => RandomNumberGenerator.GetHexString(Length, lowercase: true);
}
