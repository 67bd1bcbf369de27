using Vse.Deploy.Slurm;

namespace Vse.Deploy.Tests.Slurm;

public sealed class SlurmRemoteExecTests
{
    private static SubmittedDeployment Deployment(long? jobId = 12, bool done = false, params string[] ready) => new(
        "0123abcd", "apps/ring", jobId, BatchScriptTests.Job(nodes: 2, perNode: 2),
        [
            new NodeShareRecord("n1", 0, "aaaa1111", "/tmp/vse-node/n1", ["apps-ring-0", "apps-ring-1"], ImageStaging.SharedRoute),
            new NodeShareRecord("n2", 1, "bbbb2222", "/tmp/vse-node/n2", ["apps-ring-2", "apps-ring-3"], ImageStaging.SharedRoute),
        ],
        ready.ToHashSet(), done, null, new JobDirectory("/home/u/.vse/slurm/0123abcd"));

    [Fact]
    public void An_instance_is_reached_by_an_overlapping_step_on_its_node_with_its_local_id_and_index()
    {
        var (arguments, home) = SlurmRemoteExec.Plan(Deployment(ready: ["n1", "n2"]), 3, ["/usr/bin/vse"], ["sh", "-c", "echo $HOSTNAME"]);
        Assert.Equal(
            ["--jobid=12", "--overlap", "--nodes=1", "--ntasks=1", "--nodelist=n2", "--quiet", "/usr/bin/vse", "exec", "bbbb2222/1", "--", "sh", "-c", "echo $HOSTNAME"],
            arguments);
        Assert.Equal("/tmp/vse-node/n2", home);
    }

    [Fact]
    public void An_instance_whose_node_is_not_ready_is_refused()
    {
        var error = Assert.Throws<SlurmRequestException>(() => SlurmRemoteExec.Plan(Deployment(ready: ["n1"]), 2, ["vse"], ["true"]));
        Assert.Equal("instance 2 of 0123abcd (apps-ring-2) is not ready yet: its node has not reported it", error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void An_index_outside_the_deployment_is_refused(int index)
    {
        Assert.Throws<SlurmRequestException>(() => SlurmRemoteExec.Plan(Deployment(ready: ["n1", "n2"]), index, ["vse"], ["true"]));
    }

    [Fact]
    public void A_deployment_whose_job_ended_or_never_ran_is_refused()
    {
        Assert.Contains("has ended", Assert.Throws<SlurmRequestException>(() => SlurmRemoteExec.Plan(Deployment(done: true, ready: ["n1"]), 0, ["vse"], ["true"])).Message);
        Assert.Contains("never submitted", Assert.Throws<SlurmRequestException>(() => SlurmRemoteExec.Plan(Deployment(jobId: null), 0, ["vse"], ["true"])).Message);
    }

    [Fact]
    public void All_instances_take_one_step_per_node_with_each_nodes_local_deployment()
    {
        var steps = SlurmRemoteExec.PlanNodes(Deployment(ready: ["n1", "n2"]), ["/usr/bin/vse"], local => ["logs", local]);
        Assert.Equal(["n1", "n2"], steps.Select(s => s.Node.Node));
        Assert.Equal(
            ["--jobid=12", "--overlap", "--nodes=1", "--ntasks=1", "--nodelist=n2", "--quiet", "/usr/bin/vse", "logs", "bbbb2222"],
            steps[1].Arguments);
    }

    [Fact]
    public void All_instances_wait_for_every_node()
    {
        var error = Assert.Throws<SlurmRequestException>(() => SlurmRemoteExec.PlanNodes(Deployment(ready: ["n2"]), ["vse"], local => ["logs", local]));
        Assert.Equal("deployment 0123abcd is not ready yet: 1 of 2 node(s) have reported their instances", error.Message);
        Assert.Contains("has ended", Assert.Throws<SlurmRequestException>(() => SlurmRemoteExec.PlanNodes(Deployment(done: true, ready: ["n1", "n2"]), ["vse"], l => [l])).Message);
    }

    [Fact]
    public void One_instances_logs_are_read_on_its_node_by_local_id_and_index()
    {
        var (arguments, home) = SlurmRemoteExec.PlanInstance(Deployment(ready: ["n1", "n2"]), 1, ["vse"], local => ["logs", local]);
        Assert.Equal(["vse", "logs", "aaaa1111/1"], arguments.Skip(6));
        Assert.Equal("/tmp/vse-node/n1", home);
    }
}
