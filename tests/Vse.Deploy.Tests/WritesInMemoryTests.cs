using Vse.Description;
using Vse.Description.Model;

namespace Vse.Deploy.Tests;

/// <summary><c>deploy.writes: memory</c> is refused where it cannot hold (VMs, a user who cannot mount), never ignored.</summary>
public sealed class WritesInMemoryTests : IDisposable
{
    private readonly DescriptionFolder folder = new();

    public void Dispose() => folder.Dispose();

    private ResolvedDescription Resolve(string text) => folder.Resolve(text);

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Writes_on_disk_hold_for_every_driver_and_user(bool bootsKernel, bool hostRoot) =>
        Assert.Null(WritesInMemory.Problem(InstanceWrites.Disk, bootsKernel, hostRoot));

    [Fact]
    public void Writes_in_memory_hold_for_root_s_sandboxes_only()
    {
        Assert.Null(WritesInMemory.Problem(InstanceWrites.Memory, bootsKernel: false, hostRoot: true));
        Assert.Contains("a VM writes its changes to a disk of its own", WritesInMemory.Problem(InstanceWrites.Memory, bootsKernel: true, hostRoot: true), StringComparison.Ordinal);
        Assert.Contains("a VM writes its changes to a disk of its own", WritesInMemory.Problem(InstanceWrites.Memory, bootsKernel: true, hostRoot: false), StringComparison.Ordinal);
        Assert.Contains("which only root can", WritesInMemory.Problem(InstanceWrites.Memory, bootsKernel: false, hostRoot: false), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vm", true)]
    [InlineData("sandbox", false)]
    public void A_refusal_is_an_error_at_the_key_that_asked(string driver, bool hostRoot)
    {
        var resolved = Resolve("vse: 1\nname: app\nos: {base: busybox}\ndeploy:\n  instances: 2\n  writes: memory\n");

        var error = Assert.Single(WritesInMemory.Check(resolved, RuntimeModel.From(resolved), driver, () => hostRoot));

        Assert.True(error.IsError);
        Assert.Equal(("VSE0227", 6, 11), (error.Code, error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void Nothing_is_said_where_it_holds_or_was_not_asked_for()
    {
        var memory = Resolve("vse: 1\nname: app\ndeploy: {writes: memory}\n");
        var disk = Resolve("vse: 1\nname: app\n");

        Assert.Empty(WritesInMemory.Check(memory, RuntimeModel.From(memory), "sandbox", () => true));
        Assert.Empty(WritesInMemory.Check(disk, RuntimeModel.From(disk), "vm", () => throw new InvalidOperationException("who deploys does not matter for writes on disk")));
    }
}
