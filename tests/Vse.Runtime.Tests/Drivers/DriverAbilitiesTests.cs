using Vse.Runtime.Drivers;
using Vse.Runtime.Oci;
using Vse.Runtime.Sandbox;

namespace Vse.Runtime.Tests.Drivers;

public sealed class DriverAbilitiesTests
{
    private readonly SandboxDriver _sandbox = new(new OciRuntime("runc", "/usr/sbin/runc"), "/run/vse-test-unused");

    [Fact]
    public void MissingCheckpointNamesTheDriverAndTheOperation()
    {
        var error = Assert.Throws<DriverCapabilityMissingException>(() => DriverAbilities.Checkpointable(_sandbox));

        Assert.Equal("sandbox", error.Driver);
        Assert.Equal("the sandbox driver cannot checkpoint or restore an instance", error.Message);
    }

    [Fact]
    public void SandboxCanSuspend() => Assert.Same(_sandbox, DriverAbilities.Suspendable(_sandbox));

    [Fact]
    public void PrivateNetworkIsOfferedWhenVseRunsAsRoot()
    {
        // Plugging veths into a fabric namespace needs CAP_NET_ADMIN on the host.
        if (Environment.IsPrivilegedProcess)
        {
            DriverAbilities.RequireNetworkMode(_sandbox, NetworkMode.Private);
        }
        else
        {
            var error = Assert.Throws<DriverCapabilityMissingException>(() => DriverAbilities.RequireNetworkMode(_sandbox, NetworkMode.Private));
            Assert.Contains("network mode 'private'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task APrivateNetworkInstanceNeedsItsAttachment()
    {
        var spec = Support.SampleSpecs.Spec(network: NetworkMode.Private, cpus: null, memory: null);

        await Assert.ThrowsAsync<ArgumentException>(() => _sandbox.CreateAsync(spec, CancellationToken.None));
    }
}
