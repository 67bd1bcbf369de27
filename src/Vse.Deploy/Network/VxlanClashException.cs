namespace Vse.Deploy.Network;

/// <summary>A host already has a VXLAN device of the deployment's VNI: another deployment's fabric, which must not be joined.</summary>
public sealed class VxlanClashException(string message) : Exception(message);
