using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;

namespace Vse.Deploy.Network;

/// <summary>
/// <c>network.loopback: shared</c> (docs/runtime.md, "One loopback for a deployment"): the
/// instances of a deployment on one host, with network mode <c>none</c>, are made in one network
/// namespace of the deployment's (only <c>lo</c>, up) instead of one each: root's is
/// <c>/run/netns/vse-lo-DEPLOYMENT</c>; an ordinary user's is held with a user namespace of the
/// user's own by one process, as a rootless private network's fabric is (<see cref="RootlessFabric"/>).
/// The kernel's release of a namespace visits every other one alive, so N namespaces cost it
/// O(N^2) at cleanup; one costs it nothing per instance. What the instances give up: they
/// reach each other's 127.0.0.1 and abstract Unix sockets, and two of them cannot listen on one port.
/// </summary>
public static class SharedLoopback
{
    /// <summary>The name of the deployment's namespace under <c>/run/netns</c>.</summary>
    public static string NamespaceOf(string deploymentId) => "vse-lo-" + deploymentId;

    /// <summary>The file that holds the deployment's namespace, which instances join.</summary>
    public static string PathOf(string deploymentId) => Path.Combine("/run/netns", NamespaceOf(deploymentId));

    /// <summary>Why a shared loopback cannot hold for this deployment, or null where it can (or is not asked for).</summary>
    /// <param name="network">The description's <c>network</c> (a null mode is <c>none</c>).</param>
    /// <param name="bootsKernel">The driver boots a kernel of its own (the VM driver).</param>
    public static string? Problem(NetworkSettings network, bool bootsKernel) => network switch
    {
        { SharedLoopback: false } => null,
        { Mode: not (null or "none") } =>
            $"'network.loopback: shared' puts instances without a network in one namespace; with 'network.mode: {network.Mode}' each instance "
            + (network.Mode == "host" ? "uses the host's network" : "needs a namespace of its own for its address") + ": remove 'network.loopback' or use 'network.mode: none'",
        _ when bootsKernel =>
            "'network.loopback: shared' puts sandbox instances in one network namespace; a VM's guest has a kernel and a loopback of its own: use the sandbox driver or remove 'network.loopback'",
        _ => null,
    };

    /// <summary>The refusal as a diagnostic at the <c>network.loopback</c> that asked for it (<see cref="DeployPolicy.Recheck"/>).</summary>
    public static IEnumerable<Diagnostic> Check(ResolvedDescription resolved, RuntimeModel model, string driver)
    {
        if (model.Network.SharedLoopback && Problem(model.Network, bootsKernel: driver == DriverCatalog.Vm) is { } problem)
        {
            var location = resolved.Provenance.LastWrite("network.loopback")?.Location ?? SourceLocation.StartOf(resolved.Layers[^1].File);
            yield return new Diagnostic(Severity.Error, DiagnosticCodes.SharedLoopbackUnavailable, location, problem);
        }
    }

    /// <summary>Makes the deployment's namespace with its <c>lo</c> up.</summary>
    /// <param name="directory">The deployment's network directory, where an ordinary user's holder is recorded for the cleanup (<see cref="RootlessFabric.DeleteAsync"/>).</param>
    public static async Task<SharedNetworkNamespace> CreateAsync(string deploymentId, string directory, CancellationToken cancellationToken)
    {
        var ip = ExternalTool.Require("ip", "iproute2");
        if (!Environment.IsPrivilegedProcess)
        {
            Directory.CreateDirectory(directory);
            // Only lo to bring up, no bridges: no ip batch.
            var holder = await RootlessFabric.CreateAsync(directory, [ip, "link", "set", "lo", "up"], batch: "", cancellationToken);
            return new SharedNetworkNamespace(RootlessFabric.NetworkNamespaceOf(holder), RootlessFabric.UserNamespaceOf(holder));
        }

        var name = NamespaceOf(deploymentId);
        await ExternalTool.RunAsync(ip, ["netns", "add", name], cancellationToken);
        await ExternalTool.RunAsync(ip, ["-n", name, "link", "set", "lo", "up"], cancellationToken);
        return new SharedNetworkNamespace(PathOf(deploymentId));
    }

    /// <summary>
    /// Deletes root's namespace of the deployment if there is one (the kernel frees it once its last
    /// instance is gone); an ordinary user's holder goes with the network directory's (<see cref="PrivateNetwork.DeleteAsync"/>).
    /// </summary>
    public static async Task DeleteAsync(string deploymentId, CancellationToken cancellationToken)
    {
        if (File.Exists(PathOf(deploymentId)))
        {
            await ExternalTool.RunAsync(ExternalTool.Require("ip", "iproute2"), ["netns", "delete", NamespaceOf(deploymentId)], cancellationToken);
        }
    }
}
