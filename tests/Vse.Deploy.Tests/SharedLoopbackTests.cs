using Vse.Deploy.Network;
using Vse.Description;
using Vse.Description.Model;

namespace Vse.Deploy.Tests;

/// <summary><c>network.loopback: shared</c> is refused where it cannot hold (another network mode, VMs), never ignored.</summary>
public sealed class SharedLoopbackTests : IDisposable
{
    private readonly DescriptionFolder folder = new();

    public void Dispose() => folder.Dispose();

    private ResolvedDescription Resolve(string text) => folder.Resolve(text);

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    [InlineData("private")]
    [InlineData("host")]
    public void An_own_loopback_holds_everywhere(string? mode)
    {
        Assert.Null(SharedLoopback.Problem(new NetworkSettings(mode, null), bootsKernel: false));
        Assert.Null(SharedLoopback.Problem(new NetworkSettings(mode, null), bootsKernel: true));
    }

    [Fact]
    public void A_shared_loopback_holds_for_sandboxes_without_a_network_only()
    {
        Assert.Null(SharedLoopback.Problem(new NetworkSettings(null, null, SharedLoopback: true), bootsKernel: false));
        Assert.Null(SharedLoopback.Problem(new NetworkSettings("none", null, SharedLoopback: true), bootsKernel: false));
        Assert.Contains("needs a namespace of its own for its address", SharedLoopback.Problem(new NetworkSettings("private", null, SharedLoopback: true), false), StringComparison.Ordinal);
        Assert.Contains("uses the host's network", SharedLoopback.Problem(new NetworkSettings("host", null, SharedLoopback: true), false), StringComparison.Ordinal);
        Assert.Contains("a VM's guest has a kernel and a loopback of its own", SharedLoopback.Problem(new NetworkSettings(null, null, SharedLoopback: true), true), StringComparison.Ordinal);
    }

    [Fact]
    public void A_refusal_is_an_error_at_the_key_that_asked()
    {
        var resolved = Resolve("vse: 1\nname: app\nos: {base: busybox}\nnetwork:\n  mode: none\n  loopback: shared\n");

        var error = Assert.Single(SharedLoopback.Check(resolved, RuntimeModel.From(resolved), "vm"));

        Assert.True(error.IsError);
        Assert.Equal("VSE0228", error.Code);
        Assert.Equal(6, error.Location.Line);
        Assert.Empty(SharedLoopback.Check(resolved, RuntimeModel.From(resolved), "sandbox"));
    }

    [Fact]
    public void The_model_reads_the_key_and_a_wrong_value_is_refused_at_resolve()
    {
        Assert.True(RuntimeModel.From(Resolve("vse: 1\nname: app\nos: {base: busybox}\nnetwork: {loopback: shared}\n")).Network.SharedLoopback);
        Assert.False(RuntimeModel.From(Resolve("vse: 1\nname: app\nos: {base: busybox}\nnetwork: {loopback: own}\n")).Network.SharedLoopback);

        var result = folder.TryResolve("vse: 1\nname: app\nos: {base: busybox}\nnetwork: {loopback: sideways}\n", "bad.vse.yaml");
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(4, error.Location.Line);
        Assert.Contains("own", error.Message, StringComparison.Ordinal);
    }
}
