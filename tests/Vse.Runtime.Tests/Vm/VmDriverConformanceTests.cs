using Vse.Runtime.Drivers;
using Vse.Runtime.Tests.Drivers;

namespace Vse.Runtime.Tests.Vm;

/// <summary>The conformance suite against QEMU VMs (TCG here), on the same busybox configuration as the sandboxes'.</summary>
public sealed class VmDriverConformanceTests(VmFixture fixture) : DriverConformanceTests, IClassFixture<VmFixture>
{
    protected override string ConfigurationRootfs => fixture.Rootfs;

    protected override string StateRoot => fixture.StateRoot;

    protected override IDriver RequireDriver() => fixture.RequireDriver();

    protected override InstanceSpec Complete(InstanceSpec spec) => fixture.Complete(spec);

    protected override bool SharesTheHostsKernel => false;
}
