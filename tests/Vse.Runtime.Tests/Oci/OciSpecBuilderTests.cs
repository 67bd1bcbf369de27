using System.Text.Json;
using Vse.Description.Model;
using Vse.Host.Confinement;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Host;
using Vse.Runtime.Oci;
using Vse.Runtime.Tests.Support;

namespace Vse.Runtime.Tests.Oci;

public sealed class OciSpecBuilderTests
{
    /// <summary>Root on a hybrid host: the v1 hierarchies, every limit applies.</summary>
    private static readonly CgroupPlacement V1 = new(CgroupLayout.Hybrid, "/vse", null, false, ["cpu", "devices", "freezer", "memory", "pids"], null);

    private static JsonElement Json(InstanceSpec spec, CgroupPlacement? cgroups = null) =>
        JsonDocument.Parse(OciSpecBuilder.Serialize(OciSpecBuilder.Build(spec, "/state/rootfs", ["/bin/sh", "-c", "x"], cgroups ?? V1))).RootElement;

    [Fact]
    public void ABundlesSpecReadsBackTypedAsItWasWrittenAndAnythingElseIsInvalidData()
    {
        var bundle = Directory.CreateTempSubdirectory("vse-bundle-").FullName;
        try
        {
            var spec = OciSpecBuilder.Build(SampleSpecs.Spec(), "/state/rootfs", ["/bin/sh"], V1);
            OciSpecBuilder.Write(spec, bundle);

            // The file is the serializer's text as UTF-8, without a byte order mark, and nothing is left beside it.
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(OciSpecBuilder.Serialize(spec)), File.ReadAllBytes(Path.Combine(bundle, "config.json")));
            Assert.Equal(["config.json"], Directory.EnumerateFileSystemEntries(bundle).Select(Path.GetFileName));
            var read = OciSpecBuilder.Read(bundle);

            Assert.Equal(spec.Mounts.Select(m => (m.Destination, m.Type, m.Source)), read.Mounts.Select(m => (m.Destination, m.Type, m.Source)));
            Assert.Contains("/proc", read.Mounts.Select(m => m.Destination));
            File.WriteAllText(Path.Combine(bundle, "config.json"), "{\"mounts\": 7}");
            Assert.Throws<InvalidDataException>(() => OciSpecBuilder.Read(bundle));
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }

    [Fact]
    public void ProcessRunsAsRootWithoutTerminalAndWithTheEnvironment()
    {
        var process = Json(SampleSpecs.Spec()).GetProperty("process");

        Assert.False(process.GetProperty("terminal").GetBoolean());
        Assert.Equal(0, process.GetProperty("user").GetProperty("uid").GetInt32());
        Assert.Equal(["/bin/sh", "-c", "x"], process.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["PATH=/bin:/usr/bin", "TZ=UTC"], process.GetProperty("env").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("/", process.GetProperty("cwd").GetString());
        Assert.True(process.GetProperty("noNewPrivileges").GetBoolean());
        Assert.Equal("RLIMIT_NOFILE", process.GetProperty("rlimits")[0].GetProperty("type").GetString());
        Assert.Contains("CAP_KILL", process.GetProperty("capabilities").GetProperty("bounding").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void AllowedRelaxationsAddCapabilitiesToEverySetAndUnconfinedDropsTheFilter()
    {
        var defaults = Json(SampleSpecs.Spec());
        var relaxed = Json(SampleSpecs.Spec() with { Security = new SecuritySettings(SeccompUnconfined: true, ["SYS_PTRACE", "KILL"]) });

        foreach (var set in new[] { "bounding", "effective", "permitted" })
        {
            var before = defaults.GetProperty("process").GetProperty("capabilities").GetProperty(set).EnumerateArray().Select(c => c.GetString()).ToList();
            var after = relaxed.GetProperty("process").GetProperty("capabilities").GetProperty(set).EnumerateArray().Select(c => c.GetString()).ToList();
            // The defaults, each once (KILL is one of them), plus what was asked for.
            Assert.Equal([.. before, "CAP_SYS_PTRACE"], after);
        }

        Assert.True(defaults.GetProperty("linux").TryGetProperty("seccomp", out _));
        Assert.False(relaxed.GetProperty("linux").TryGetProperty("seccomp", out _));
    }

    [Fact]
    public void TheSeccompSectionIsVsesProfileNameForNameAndRuleForRule()
    {
        var seccomp = Json(SampleSpecs.Spec()).GetProperty("linux").GetProperty("seccomp");
        var syscalls = seccomp.GetProperty("syscalls").EnumerateArray().ToList();

        Assert.Equal("SCMP_ACT_ALLOW", seccomp.GetProperty("defaultAction").GetString());
        Assert.Equal(["SCMP_ARCH_X86_64"], seccomp.GetProperty("architectures").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(SeccompProfile.Names, syscalls.SelectMany(s => s.GetProperty("names").EnumerateArray().Select(n => n.GetString()!)).Distinct());
        Assert.Equal(SeccompProfile.Rules.Count, syscalls.Count);
        Assert.All(syscalls, s => Assert.Equal("SCMP_ACT_ERRNO", s.GetProperty("action").GetString()));
        var mount = syscalls.Single(s => s.GetProperty("names").EnumerateArray().Any(n => n.GetString() == "mount"));
        Assert.Equal(1u, mount.GetProperty("errnoRet").GetUInt32());
        Assert.Empty(mount.GetProperty("args").EnumerateArray());
        Assert.Equal(38u, syscalls.Single(s => s.GetProperty("names")[0].GetString() == "clone3").GetProperty("errnoRet").GetUInt32());
        // clone with CLONE_NEWUSER: (flags & mask) == value, mask and value as runc reads them.
        var newUser = syscalls.Select(s => s.GetProperty("args")).Single(a => a.GetArrayLength() == 1 && a[0].GetProperty("value").GetUInt64() == 0x10000000 && a[0].GetProperty("valueTwo").GetUInt64() == 0x10000000);
        Assert.Equal("SCMP_CMP_MASKED_EQ", newUser[0].GetProperty("op").GetString());
        Assert.Equal(0u, newUser[0].GetProperty("index").GetUInt32());
    }

    [Fact]
    public void RootHostnameAndLimitsComeFromTheSpec()
    {
        var json = Json(SampleSpecs.Spec(cpus: 2, memory: 1 << 30));
        var resources = json.GetProperty("linux").GetProperty("resources");

        Assert.Equal("1.0.2", json.GetProperty("ociVersion").GetString());
        Assert.Equal("/state/rootfs", json.GetProperty("root").GetProperty("path").GetString());
        Assert.False(json.GetProperty("root").GetProperty("readonly").GetBoolean());
        Assert.Equal("dep-0", json.GetProperty("hostname").GetString());
        Assert.Equal(200_000, resources.GetProperty("cpu").GetProperty("quota").GetInt64());
        Assert.Equal(100_000, resources.GetProperty("cpu").GetProperty("period").GetInt64());
        Assert.Equal(1 << 30, resources.GetProperty("memory").GetProperty("limit").GetInt64());
        Assert.Equal("/vse/dep-0", json.GetProperty("linux").GetProperty("cgroupsPath").GetString());
    }

    [Fact]
    public void NoLimitsMeansNoCpuOrMemorySection()
    {
        var resources = Json(SampleSpecs.Spec(cpus: null, memory: null)).GetProperty("linux").GetProperty("resources");

        Assert.False(resources.TryGetProperty("cpu", out _));
        Assert.False(resources.TryGetProperty("memory", out _));
    }

    [Theory]
    [InlineData(NetworkMode.None, true)]
    [InlineData(NetworkMode.Private, true)]
    [InlineData(NetworkMode.Host, false)]
    public void OnlyHostNetworkSharesTheHostNetworkNamespace(NetworkMode mode, bool ownNamespace)
    {
        var namespaces = Json(SampleSpecs.Spec(network: mode)).GetProperty("linux").GetProperty("namespaces")
            .EnumerateArray().Select(n => n.GetProperty("type").GetString()).ToList();

        Assert.Subset(namespaces.ToHashSet(), new HashSet<string?> { "pid", "ipc", "uts", "mount" });
        Assert.Equal(ownNamespace, namespaces.Contains("network"));
    }

    [Fact]
    public void GrantedMountsAreRecursiveBindsWithTheirMode()
    {
        var spec = SampleSpecs.Spec(mounts: [new InstanceMount("/data", "/srv/data", false), new InstanceMount("/ref", "/srv/ref", true)]);
        var mounts = Json(spec).GetProperty("mounts").EnumerateArray().ToDictionary(m => m.GetProperty("destination").GetString()!);

        Assert.Equal(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/data", "/ref"], mounts.Keys);
        var data = mounts["/data"].GetProperty("options").EnumerateArray().Select(o => o.GetString()).ToList();
        var reference = mounts["/ref"].GetProperty("options").EnumerateArray().Select(o => o.GetString()).ToList();
        Assert.Equal("/srv/data", mounts["/data"].GetProperty("source").GetString());
        Assert.Contains("rbind", data);
        Assert.Contains("rw", data);
        Assert.Contains("ro", reference);
        Assert.Contains("ro", mounts["/sys"].GetProperty("options").EnumerateArray().Select(o => o.GetString()));
    }

    [Fact]
    public void TheSerializeOnlyWriterWritesWhatTheMetadataSerializerWould()
    {
        // Every optional section present: rootless ID maps, devices, seccomp, limits, an overlay root.
        var overlay = new OciMount("/", "overlay", "overlay", ["lowerdir=/l", "upperdir=/u", "workdir=/w"]);
        var devices = SampleSpecs.Spec() with { Devices = [new InstanceDevice("/dev/null", "/dev/null")] };
        OciSpec[] specs =
        [
            OciSpecBuilder.Build(devices, "/state/rootfs", ["/bin/sh", "-c", "x"], V1, overlay),
            OciSpecBuilder.Build(SampleSpecs.Spec(cpus: null, memory: null), "rootfs", ["/bin/true"], null, rootless: new RootlessIdentity(1234, 5678)),
        ];

        foreach (var spec in specs)
        {
            Assert.Equal(JsonSerializer.Serialize(spec, OciSpecJson.Default.OciSpec), OciSpecBuilder.Serialize(spec));
        }
    }

    [Fact]
    public void MasksTheSamePathsAsRunc()
    {
        var linux = Json(SampleSpecs.Spec()).GetProperty("linux");

        Assert.Contains("/proc/kcore", linux.GetProperty("maskedPaths").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("/proc/sys", linux.GetProperty("readonlyPaths").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void TheRootMountComesBeforeEveryOtherMount()
    {
        var overlay = new OciMount("/", "overlay", "overlay", ["lowerdir=/l", "upperdir=/u", "workdir=/w"]);
        var json = JsonDocument.Parse(OciSpecBuilder.Serialize(OciSpecBuilder.Build(SampleSpecs.Spec(), "rootfs", ["/bin/true"], null, overlay))).RootElement;

        var first = json.GetProperty("mounts")[0];
        Assert.Equal("/", first.GetProperty("destination").GetString());
        Assert.Equal("overlay", first.GetProperty("type").GetString());
        Assert.Equal("rootfs", json.GetProperty("root").GetProperty("path").GetString());
    }

    [Fact]
    public void RootlessMapsTheUserToRootAndAsksForNoCgroup()
    {
        var spec = OciSpecBuilder.Build(SampleSpecs.Spec(cpus: null, memory: null), "rootfs", ["/bin/true"], CgroupPlacer.Locate(new CgroupPlacer.HostFacts(new CgroupReport(CgroupLayout.Hybrid, "/sys/fs/cgroup/unified", ["memory"], []), "0::/\n", 1234), CgroupPlacer.Wanted), rootless: new RootlessIdentity(1234, 5678));
        var linux = JsonDocument.Parse(OciSpecBuilder.Serialize(spec)).RootElement.GetProperty("linux");

        Assert.Contains("user", linux.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("type").GetString()));
        var uid = linux.GetProperty("uidMappings").EnumerateArray().Single();
        Assert.Equal((0, 1234, 1), (uid.GetProperty("containerID").GetInt32(), uid.GetProperty("hostID").GetInt32(), uid.GetProperty("size").GetInt32()));
        Assert.Equal(5678, linux.GetProperty("gidMappings")[0].GetProperty("hostID").GetInt32());
        Assert.False(linux.TryGetProperty("cgroupsPath", out _));
        Assert.False(linux.TryGetProperty("resources", out _));
        var sys = spec.Mounts.Single(m => m.Destination == "/sys");
        Assert.Equal(("none", "/sys"), (sys.Type, sys.Source));
        Assert.DoesNotContain("gid=5", spec.Mounts.Single(m => m.Destination == "/dev/pts").Options!);
    }

    [Fact]
    public void RootlessWithoutACgroupStartsWithoutTheLimits()
    {
        var json = Json(SampleSpecs.Spec(cpus: 2, memory: 1 << 30), new CgroupPlacement(CgroupLayout.Hybrid, null, null, false, [], "v1 is not delegated"));
        var rootless = OciSpecBuilder.Build(SampleSpecs.Spec(cpus: 2, memory: 1 << 30), "rootfs", ["/bin/true"], null, rootless: new RootlessIdentity(1234, 1234));

        Assert.False(json.GetProperty("linux").GetProperty("resources").TryGetProperty("memory", out _));
        Assert.Null(rootless.Linux.Resources);
        Assert.Null(rootless.Linux.CgroupsPath);
    }

    [Fact]
    public void RootlessInADelegatedCgroupGetsItsPathAndTheLimitsItsControllersEnforce()
    {
        var delegated = new CgroupPlacement(CgroupLayout.V2, "/user.slice/user-1234.slice/user@1234.service/vse", "/sys/fs/cgroup/user.slice/user-1234.slice/user@1234.service/vse", true, ["memory", "pids"], "cpu not offered");

        var spec = OciSpecBuilder.Build(SampleSpecs.Spec(cpus: 2, memory: 1 << 30), "rootfs", ["/bin/true"], delegated, rootless: new RootlessIdentity(1234, 1234));

        Assert.Equal("/user.slice/user-1234.slice/user@1234.service/vse/dep-0", spec.Linux.CgroupsPath);
        Assert.Equal(1 << 30, spec.Linux.Resources!.Memory!.Limit);
        Assert.Null(spec.Linux.Resources.Cpu);
        // Device rules need privileges a rootless runtime does not have.
        Assert.Null(spec.Linux.Resources.Devices);
    }

    [SkippableFact]
    public async Task HasTheTopLevelShapeOfRuncSpec()
    {
        var runc = Requirements.Tool("runc");
        using var directory = new TempDirectory();
        await ExternalTool.RunAsync(runc, ["spec"], CancellationToken.None, workingDirectory: directory.Path);
        var runcKeys = JsonDocument.Parse(await File.ReadAllTextAsync(directory.Combine("config.json"))).RootElement
            .EnumerateObject().Select(p => p.Name).ToHashSet();

        var ourKeys = Json(SampleSpecs.Spec()).EnumerateObject().Select(p => p.Name).ToHashSet();

        Assert.Equal(runcKeys.Order(), ourKeys.Order());
    }
}
