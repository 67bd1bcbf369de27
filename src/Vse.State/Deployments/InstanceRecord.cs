namespace Vse.State.Deployments;

/// <summary>One instance of a deployment.</summary>
/// <param name="Index">Its position in the deployment, from 0; <c>vse exec DEP/INDEX</c> names it.</param>
/// <param name="Pid">The host process id of its init (or QEMU), while there is one.</param>
/// <param name="RuntimeId">The driver's own name for it (OCI container id, QMP socket, ...).</param>
/// <param name="Address">Its address on the deployment's network, if any.</param>
/// <param name="StateDirectory">Its writable state (upper layer, bundle, logs), removed by cleanup.</param>
public sealed record InstanceRecord(
    string DeploymentId,
    int Index,
    string Hostname,
    LifecycleState State,
    int? Pid,
    string? RuntimeId,
    string? Address,
    string StateDirectory);
