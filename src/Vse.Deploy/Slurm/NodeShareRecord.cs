namespace Vse.Deploy.Slurm;

/// <summary>
/// What one node reports about its share of a deployment across Slurm nodes
/// (<see cref="JobDirectory.NodeRecord"/>): which instances it runs, under which local deployment
/// id, in which data directory, and how the image reached it.
/// </summary>
/// <param name="Rank">The node's rank in the job (<c>SLURM_NODEID</c>); it runs instances Rank x K to Rank x K + K - 1.</param>
/// <param name="Home">The node-local vse data directory holding the local deployment's records.</param>
/// <param name="Staging">How the image reached the node (<see cref="ImageStaging"/>).</param>
/// <param name="Underlay">With a private network: the address the node's VXLAN sends from and the other nodes send to.</param>
public sealed record NodeShareRecord(
    string Node, int Rank, string LocalDeploymentId, string Home, IReadOnlyList<string> Hostnames, string Staging, string? Underlay = null);
