using Vse.Description.Model;
using Vse.Runtime.Drivers;

namespace Vse.Runtime.Tests.Drivers;

public sealed class InstanceSpecsTests
{
    private const string Description = """
        {"deploy":{"driver":"sandbox","instances":2,"per_node":1},
         "env":{"PATH":"/bin:/usr/bin","TZ":"UTC"},
         "mounts":{"/data":{"source":"/srv/data","mode":"rw"},"/ref":{"source":"/srv/ref"}},
         "name":"apps/hello","network":{"mode":"host"},"os":{"base":"busybox"},
         "resources":{"cpus":2,"memory":268435456},"services":["sshd"],"vse":1}
        """;

    [Fact]
    public void ReadsEveryRuntimeFieldOfTheDescription()
    {
        var spec = InstanceSpecs.FromModel(RuntimeModel.FromCanonicalJson(Description), "/store/rootfs", "/state/i3", 3, "apps/hello");

        Assert.Equal("apps-hello-3", spec.Id);
        Assert.Equal("apps-hello-3", spec.Hostname);
        Assert.Equal("/store/rootfs", spec.Rootfs);
        Assert.Equal("/state/i3", spec.StateDirectory);
        Assert.Equal("UTC", spec.Env["TZ"]);
        Assert.Equal(2, spec.Cpus);
        Assert.Equal(268_435_456, spec.MemoryBytes);
        Assert.Equal(NetworkMode.Host, spec.Network);
        Assert.Equal(["sshd"], spec.Services);
        Assert.Equal(
            [new InstanceMount("/data", "/srv/data", ReadOnly: false), new InstanceMount("/ref", "/srv/ref", ReadOnly: true)],
            spec.Mounts);
    }

    [Fact]
    public void AbsentSectionsMeanNoLimitsNoMountsLoopbackOnlyAndTheUsualPath()
    {
        var spec = InstanceSpecs.FromModel(RuntimeModel.FromCanonicalJson("""{"name":"x","vse":1}"""), "/r", "/s", 0, "x");

        Assert.Null(spec.Cpus);
        Assert.Null(spec.MemoryBytes);
        Assert.Empty(spec.Mounts);
        Assert.Equal(["PATH"], spec.Env.Keys);
        Assert.Contains("/usr/bin", spec.Env["PATH"]);
        Assert.Equal(NetworkMode.None, spec.Network);
    }

    [Fact]
    public void HostnameIsAValidLabelEvenForLongOddNames()
    {
        var spec = InstanceSpecs.FromModel(RuntimeModel.FromCanonicalJson("{}"), "/r", "/s", 12, "Site/" + new string('a', 80) + "_App");

        Assert.Matches("^[a-z0-9][a-z0-9-]{0,62}$", spec.Hostname);
        Assert.EndsWith("-12", spec.Hostname);
    }

    [Fact]
    public void ADamagedMountIsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() =>
            InstanceSpecs.FromModel(RuntimeModel.FromCanonicalJson("""{"mounts":{"/x":{"mode":"rw"}}}"""), "/r", "/s", 0, "x"));
    }
}
