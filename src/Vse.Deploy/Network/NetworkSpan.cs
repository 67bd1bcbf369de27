namespace Vse.Deploy.Network;

/// <summary>
/// A private network that spans several hosts, of which this host runs a share
/// (<see cref="DeploymentPlan.FirstHostIndex"/> on): one address plan, hosts file and hostfile for
/// all <paramref name="Instances"/>, the fabrics joined by <paramref name="Overlay"/>, and one SSH key
/// pair for the whole deployment.
/// </summary>
/// <param name="Instances">Instances on all hosts together: instance i has hostname <c>NAME-i</c> and the subnet's address i + 1 wherever it runs.</param>
/// <param name="KeyDirectory">
/// Where the deployment's key pair was made once for every host (<see cref="DeploymentKeys"/>), or
/// null where there is none (no <c>ssh-keygen</c> where it was made): no host makes its own, which
/// would open none of the others.
/// </param>
public sealed record NetworkSpan(int Instances, VxlanOverlay Overlay, string? KeyDirectory);
