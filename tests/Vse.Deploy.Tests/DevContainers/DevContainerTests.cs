using System.Text.Json.Nodes;
using Vse.Deploy.DevContainers;
using Vse.Deploy.Preparation;
using Vse.Description.Model;
using Vse.Runtime.Drivers;
using Vse.State.Configurations;
using Vse.Testing;

namespace Vse.Deploy.Tests.DevContainers;

/// <summary>The devcontainer.json of a configuration: what a deployment gives an instance, in the Dev Containers format.</summary>
public sealed class DevContainerTests
{
    private static readonly ConfigurationRecord Configuration = new(
        "0123456789ab", "apps/dev", "sha256:" + new string('0', 64), null, "top", "/store/rootfs", 0, DateTimeOffset.UnixEpoch, [], "{}", "{}");

    private static RuntimeModel Model(int? cpus = 2, long? memory = 64L << 20) =>
        RuntimeModel.FromCanonicalJson("""{"name":"apps/dev","env":{"FOO":"bar"},"services":["syslogd"]}""")
            with { Resources = new ResourceLimits(cpus, memory) };

    [Fact]
    public void The_definition_carries_env_granted_mounts_user_and_limits_and_passes_the_schema()
    {
        var definition = DevContainer.Definition(
            Configuration, Model(), [new InstanceMount("/data", "/srv/data", ReadOnly: true), new InstanceMount("/scratch", "/tmp/s", ReadOnly: false)]);
        var json = definition.ToJsonString();

        Assert.Empty(DevContainerSchema.Errors(json));
        Assert.Equal("localhost/vse/apps-dev:0123456789ab", (string?)definition["image"]);
        Assert.Equal("bar", (string?)definition["containerEnv"]!["FOO"]);
        Assert.NotNull(definition["containerEnv"]!["PATH"]);
        Assert.Equal(["type=bind,source=/srv/data,target=/data,readonly", "type=bind,source=/tmp/s,target=/scratch"], definition["mounts"]!.AsArray().Select(m => (string)m!));
        Assert.Equal("root", (string?)definition["remoteUser"]);
        Assert.Equal(2, (int?)definition["hostRequirements"]!["cpus"]);
        Assert.Equal("67108864", (string?)definition["hostRequirements"]!["memory"]);
        Assert.False((bool?)definition["overrideCommand"]);
    }

    [Fact]
    public void Without_limits_there_are_no_host_requirements()
    {
        var definition = DevContainer.Definition(Configuration, Model(null, null), []);
        Assert.Null(definition["hostRequirements"]);
        Assert.Empty(DevContainerSchema.Errors(definition.ToJsonString()));
    }

    [Fact]
    public void The_image_runs_the_instance_init_with_the_services_in_the_workspace()
    {
        var config = DevContainer.ImageConfig(Configuration, Model());
        Assert.Equal("syslogd", config.Command![^1]);
        Assert.Equal(DevContainer.WorkspaceFolder, config.WorkingDirectory);
        Assert.Equal("bar", config.Env["FOO"]);
    }

    [Fact]
    public void A_mount_path_with_a_comma_is_refused_as_the_mount_syntax_cannot_carry_it()
    {
        var error = Assert.Throws<DeploymentRequestException>(() => DevContainer.Definition(Configuration, Model(), [new InstanceMount("/data", "/srv/a,b", ReadOnly: true)]));
        Assert.Contains("/srv/a,b", error.Message);
    }

    [Fact]
    public void The_schema_rejects_what_the_format_does_not_allow()
    {
        // The schema check is only worth something if it can fail.
        Assert.NotEmpty(DevContainerSchema.Errors("""{"name": "x"}"""));
        Assert.NotEmpty(DevContainerSchema.Errors("""{"image": "x", "hostRequirements": {"memory": "64Mi"}}"""));
        Assert.NotEmpty(DevContainerSchema.Errors("""{"image": "x", "imageName": "y"}"""));
        Assert.NotEmpty(DevContainerSchema.Errors("""{"image": "x", "mounts": [{"type": "tmpfs", "target": "/t"}]}"""));
    }
}
