using Vse.Deploy.Slurm;
using Vse.Description;
using Vse.Description.Model;

namespace Vse.Deploy.Tests.Slurm;

public sealed class SlurmShapeTests
{
    [Fact]
    public void Nodes_and_per_node_as_given_win_over_the_description()
    {
        Assert.Equal(new SlurmShape(3, 2), SlurmShape.Of(3, 2, new DeploySettings(null, 100, 50)));
    }

    [Fact]
    public void Without_either_a_description_without_deploy_is_one_instance_on_one_node()
    {
        Assert.Equal(new SlurmShape(1, 1), SlurmShape.Of(null, null, DeploySettings.Unset));
    }

    [Fact]
    public void Per_node_defaults_to_deploy_per_node_and_nodes_to_instances_over_it_rounded_up()
    {
        Assert.Equal(new SlurmShape(4, 3), SlurmShape.Of(null, null, new DeploySettings(null, 10, 3)));
    }

    [Fact]
    public void Without_per_node_the_instances_spread_over_the_nodes_asked_for_rounded_up()
    {
        Assert.Equal(new SlurmShape(4, 3), SlurmShape.Of(4, null, new DeploySettings(null, 10, null)));
    }

    [Fact]
    public void Without_nodes_or_per_node_all_instances_go_on_one_node()
    {
        var shape = SlurmShape.Of(null, null, new DeploySettings(null, 10, null));
        Assert.Equal(new SlurmShape(1, 10), shape);
        Assert.Equal(10, shape.Instances);
    }

    [Fact]
    public void Nodes_default_to_one_when_the_description_gives_no_instance_count()
    {
        Assert.Equal(new SlurmShape(1, 4), SlurmShape.Of(null, 4, DeploySettings.Unset));
    }

    [Fact]
    public void More_instances_than_vse_allows_in_a_deployment_is_refused_without_overflow()
    {
        var error = Assert.Throws<SlurmRequestException>(() => SlurmShape.Of(65_536, 65_536, DeploySettings.Unset));
        Assert.Equal($"--nodes 65536 x --per-node 65536 is above vse's limit of {DeploymentBounds.MaxInstances} instances in a deployment", error.Message);
        Assert.Equal(new SlurmShape(1, DeploymentBounds.MaxInstances), SlurmShape.Of(1, DeploymentBounds.MaxInstances, DeploySettings.Unset));
    }
}
