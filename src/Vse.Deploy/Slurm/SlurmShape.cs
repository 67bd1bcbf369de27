using Vse.Description;
using Vse.Description.Model;

namespace Vse.Deploy.Slurm;

/// <summary>The shape of a deployment across Slurm nodes: N nodes, K instances on each.</summary>
public sealed record SlurmShape(int Nodes, int PerNode)
{
    public int Instances => Nodes * PerNode;

    /// <summary>
    /// N and K as given, else from the description. K defaults to <c>deploy.per_node</c>, else
    /// <c>deploy.instances</c> spread over the N nodes asked for (all on one node when N is not
    /// given), else 1; N defaults to <c>deploy.instances</c> / K rounded up, else 1.
    /// </summary>
    /// <exception cref="SlurmRequestException">N x K is above <see cref="DeploymentBounds.MaxInstances"/>.</exception>
    public static SlurmShape Of(int? nodes, int? perNode, DeploySettings deploy)
    {
        ArgumentNullException.ThrowIfNull(deploy);
        var k = perNode ?? deploy.PerNode ?? (deploy.Instances is { } all ? (nodes is { } n ? (all + n - 1) / n : all) : 1);
        var shape = new SlurmShape(nodes ?? (deploy.Instances is { } total ? (total + k - 1) / k : 1), k);
        if ((long)shape.Nodes * shape.PerNode > DeploymentBounds.MaxInstances)
        {
            throw new SlurmRequestException(
                $"--nodes {shape.Nodes} x --per-node {shape.PerNode} is above vse's limit of {DeploymentBounds.MaxInstances} instances in a deployment");
        }

        return shape;
    }
}
