using Vse.Runtime.Drivers;

namespace Vse.Runtime.Tests.Drivers;

public sealed class DriverCatalogTests
{
    [Theory]
    [InlineData("sandbox:runc", "sandbox", "runc")]
    [InlineData("sandbox:crun", "sandbox", "crun")]
    [InlineData("sandbox:vse-launch", "sandbox", "vse-launch")]
    [InlineData("vm:tcg", "vm", "tcg")]
    [InlineData("vm:kvm", "vm", "kvm")]
    public void RecordsReadBackAsTheyWereWritten(string recorded, string driver, string runtime)
    {
        var parsed = DriverRuntime.Parse(recorded);

        Assert.Equal(new DriverRuntime(driver, runtime), parsed);
        Assert.Equal(recorded, parsed.ToString());
    }

    [Fact]
    public void RecordWithoutRuntimeIsRunc() => Assert.Equal(new DriverRuntime("sandbox", "runc"), DriverRuntime.Parse("sandbox"));

    [Theory]
    [InlineData("sandbox", true)]
    [InlineData("vm", false)]
    public void OnlySandboxesRunOnce(string driver, bool runsOnce) =>
        Assert.Equal(runsOnce, DriverCatalog.RunsOnce(driver));

    [Fact]
    public void DriverNamesAreSandboxAndVm()
    {
        Assert.Equal(["sandbox", "vm"], DriverCatalog.DriverNames);
        Assert.False(DriverCatalog.IsDriverName("docker"));
    }

    [Fact]
    public void ConsoleLogIsTheVmConsoleOrTheSandboxInitLog()
    {
        Assert.Equal("/state/init.log", DriverCatalog.ConsoleLog(DriverRuntime.Parse("sandbox:vse-launch"), "/state"));
        Assert.NotEqual("/state/init.log", DriverCatalog.ConsoleLog(DriverRuntime.Parse("vm:tcg"), "/state"));
    }

    [Fact]
    public async Task UnknownDriverIsACapabilityError()
    {
        var catalog = new DriverCatalog("/nonexistent/probes", "/nonexistent/runtime", "/nonexistent/vm");

        var error = await Assert.ThrowsAsync<DriverCapabilityMissingException>(() => catalog.SelectAsync("docker", null, CancellationToken.None));

        Assert.Equal("docker", error.Driver);
    }

    [Fact]
    public void ExecWithoutCommandIsAnArgumentError() =>
        Assert.Throws<ArgumentException>(() => DriverContract.RequireCommand(new ExecRequest([])));

    [Fact]
    public void RunOnceNeedsACommandRefusesATerminalAndPutsTheRequestsEnvironmentOverTheInstances()
    {
        var spec = new InstanceSpec("i-0", "i-0", "/rootfs", "/state/i-0", new Dictionary<string, string> { ["PATH"] = "/bin", ["A"] = "spec" }, [], null, null, NetworkMode.None, []);

        var merged = DriverContract.RunOnceSpec("sandbox", spec, new ExecRequest(["true"], new Dictionary<string, string> { ["A"] = "request", ["B"] = "b" }));

        Assert.Equal(new Dictionary<string, string> { ["PATH"] = "/bin", ["A"] = "request", ["B"] = "b" }, merged.Env);
        Assert.Equal("spec", spec.Env["A"]);
        Assert.Throws<ArgumentException>(() => DriverContract.RunOnceSpec("sandbox", spec, new ExecRequest([])));
        Assert.Equal("sandbox", Assert.Throws<DriverCapabilityMissingException>(() => DriverContract.RunOnceSpec("sandbox", spec, new ExecRequest(["sh"], Tty: true))).Driver);
    }
}
