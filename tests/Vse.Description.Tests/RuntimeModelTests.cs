using Vse.Description.Merge;
using Vse.Description.Model;
using Vse.Description.Tests.Support;

namespace Vse.Description.Tests;

public sealed class RuntimeModelTests
{
    private const string Every = """
        vse: 1
        name: apps/every
        os: {base: busybox, kernel: "path:./vmlinuz"}
        env: {TZ: UTC, PATH: /bin}
        mounts:
          /data: {source: /srv/data, mode: rw}
          /ref: {source: /srv/ref}
        resources: {cpus: 2, memory: 256Mi}
        network: {mode: private, subnet: 10.9.0.0/16}
        services: [sshd, munge]
        deploy: {driver: vm, instances: 4, per_node: 2}
        boot:
          cmdline: {quiet: false, nokaslr: true, panic: 10, console: hvc0}
        run: make test
        """;

    [Fact]
    public void Every_field_is_read_from_a_resolved_description()
    {
        using var ws = new DescriptionWorkspace();

        var model = RuntimeModel.From(ResolveEvery(ws));

        Assert.Equal([KeyValuePair.Create("PATH", "/bin"), KeyValuePair.Create("TZ", "UTC")], model.Env);
        Assert.Equal([new RuntimeMount("/data", "/srv/data", ReadOnly: false), new RuntimeMount("/ref", "/srv/ref", ReadOnly: true)], model.Mounts);
        Assert.Equal(new ResourceLimits(2, 256L * 1024 * 1024), model.Resources);
        Assert.Equal(new NetworkSettings("private", "10.9.0.0/16"), model.Network);
        Assert.Equal(["munge", "sshd"], model.Services);
        Assert.Equal(new DeploySettings("vm", 4, 2), model.Deploy);
        Assert.Equal(new KernelReference("path:./vmlinuz", ws.Root), model.Kernel);
        Assert.Equal(
            [new KernelParameter("console", true, "hvc0"), new KernelParameter("nokaslr", true, null), new KernelParameter("panic", true, "10"), new KernelParameter("quiet", false, null)],
            model.BootCmdline);
        Assert.Equal("make test", model.Run);
        Assert.Empty(model.Devices); // devices need a site policy: DevicePolicyTests
        Assert.Equal(ws.Root, model.Directory);
    }

    [Fact]
    public void The_stored_canonical_JSON_gives_the_same_model_without_a_directory()
    {
        using var ws = new DescriptionWorkspace();
        var resolved = ResolveEvery(ws);
        var fresh = RuntimeModel.From(resolved);

        var stored = RuntimeModel.FromCanonicalJson(resolved.ToCanonicalJson());

        Assert.Null(stored.Directory);
        Assert.Equal(new KernelReference("path:./vmlinuz", null), stored.Kernel);
        Assert.Equal(fresh.Env, stored.Env);
        Assert.Equal(fresh.Mounts, stored.Mounts);
        Assert.Equal(fresh.Resources, stored.Resources);
        Assert.Equal(fresh.Network, stored.Network);
        Assert.Equal(fresh.Services, stored.Services);
        Assert.Equal(fresh.Deploy, stored.Deploy);
        Assert.Equal(fresh.BootCmdline, stored.BootCmdline);
        Assert.Equal(fresh.Run, stored.Run);
        Assert.Equal(fresh.Devices, stored.Devices);
    }

    [Fact]
    public void Building_the_model_leaves_the_canonical_JSON_and_digest_as_they_were()
    {
        using var ws = new DescriptionWorkspace();
        var resolved = ResolveEvery(ws);
        var (json, digest) = (resolved.ToCanonicalJson(), resolved.Digest);

        _ = RuntimeModel.From(resolved);

        Assert.Equal(json, resolved.ToCanonicalJson());
        Assert.Equal(digest, resolved.Digest);
        Assert.Equal(CanonicalJson.Digest(resolved.Content), digest);
    }

    [Fact]
    public void Absent_sections_are_empty_or_null()
    {
        var model = RuntimeModel.FromCanonicalJson("""{"name":"x","vse":1}""");

        Assert.Empty(model.Env);
        Assert.Empty(model.Mounts);
        Assert.Equal(ResourceLimits.None, model.Resources);
        Assert.Equal(NetworkSettings.Unset, model.Network);
        Assert.Empty(model.Services);
        Assert.Equal(DeploySettings.Unset, model.Deploy);
        Assert.Null(model.Kernel);
        Assert.Empty(model.BootCmdline);
        Assert.Null(model.Run);
        Assert.Empty(model.Devices);
        Assert.Null(model.Directory);
    }

    [Theory]
    [InlineData("", InstanceWrites.Disk)]
    [InlineData("deploy: {writes: disk}\n", InstanceWrites.Disk)]
    [InlineData("deploy: {writes: memory}\n", InstanceWrites.Memory)]
    public void Deploy_writes_is_read_and_disk_where_the_description_says_nothing(string deploy, InstanceWrites expected)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nos: {base: busybox}\n" + deploy);

        Assert.Equal(expected, RuntimeModel.From(ws.ResolveOk("app")).Deploy.Writes);
    }

    [Fact]
    public void A_description_directory_comes_from_the_last_layer_and_a_kernel_from_the_file_that_named_it()
    {
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("kernels", "vse: 1\nname: kernels\nos: {kernel: \"path:vmlinuz\"}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: kernels\nos: {base: busybox}\n");

        var model = RuntimeModel.From(ws.ResolveOk("app"));

        Assert.Equal(ws.Root, model.Directory);
        Assert.Equal(new KernelReference("path:vmlinuz", ws.SiteDirectory), model.Kernel);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("""{"env":{"A":1}}""")]
    [InlineData("""{"env":[]}""")]
    [InlineData("""{"mounts":{"/x":{"mode":"rw"}}}""")]
    [InlineData("""{"mounts":{"/x":{"source":"/y","mode":"rx"}}}""")]
    [InlineData("""{"mounts":{"/x":"/y"}}""")]
    [InlineData("""{"resources":{"cpus":"2"}}""")]
    [InlineData("""{"resources":{"cpus":4294967296}}""")]
    [InlineData("""{"resources":{"memory":1.5}}""")]
    [InlineData("""{"resources":3}""")]
    [InlineData("""{"network":{"mode":1}}""")]
    [InlineData("""{"services":"sshd"}""")]
    [InlineData("""{"services":[1]}""")]
    [InlineData("""{"deploy":{"instances":"4"}}""")]
    [InlineData("""{"deploy":{"writes":"ram"}}""")]
    [InlineData("""{"deploy":{"writes":true}}""")]
    [InlineData("""{"os":{"kernel":true}}""")]
    [InlineData("""{"boot":{"cmdline":{"a":{}}}}""")]
    [InlineData("""{"run":["make"]}""")]
    [InlineData("""{"devices":{"/dev/fuse":true}}""")]
    public void Damaged_JSON_is_invalid_data(string json)
    {
        var error = Assert.Throws<InvalidDataException>(() => RuntimeModel.FromCanonicalJson(json));

        Assert.StartsWith("the description JSON ", error.Message);
    }

    private static ResolvedDescription ResolveEvery(DescriptionWorkspace ws)
    {
        ws.Write("app", Every);
        return ws.ResolveOk("app");
    }
}
