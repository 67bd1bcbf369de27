using System.Text.Json;
using Vse.Runtime.Drivers;
using Vse.Runtime.Oci;
using Vse.Runtime.Sandbox.Launch;
using Vse.Runtime.Tests.Support;

namespace Vse.Runtime.Tests.Drivers;

/// <summary>
/// What the two sandbox start paths are asked for when a spec has devices (issue 17, item 2): runc a
/// <c>linux.devices</c> entry and an allow rule after "deny all"; the bulk launcher <c>--device HOST:PATH</c>.
/// </summary>
public sealed class InstanceDeviceTests
{
    private static readonly InstanceDevice Null = new("/dev/null", "/dev/null");

    [Fact]
    public void A_host_device_is_read_with_its_type_and_numbers()
    {
        var device = HostDevice.Of(Null);

        Assert.Equal(("c", 1u, 3u), (device.Type, device.Major, device.Minor));
    }

    [Fact]
    public void A_missing_device_or_one_that_is_no_device_node_is_a_clear_error()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "file");
        File.WriteAllText(file, "");

        var missing = Assert.Throws<DeviceNotOnHostException>(() => HostDevice.Of(new InstanceDevice("/dev/nvidia0", Path.Combine(directory.Path, "nvidia0"))));
        var regular = Assert.Throws<DeviceNotOnHostException>(() => HostDevice.Of(new InstanceDevice("/dev/x", file)));
        var folder = Assert.Throws<DeviceNotOnHostException>(() => HostDevice.Of(new InstanceDevice("/dev/x", directory.Path)));

        Assert.Equal("it does not exist on this host", missing.Reason);
        Assert.Contains("(for '/dev/nvidia0')", missing.Message, StringComparison.Ordinal);
        Assert.Equal("it is not a device node on this host (a regular file)", regular.Reason);
        Assert.Equal("it is not a device node on this host (a directory)", folder.Reason);
    }

    [Fact]
    public void Runc_makes_each_device_and_allows_it_after_denying_all()
    {
        var spec = SampleSpecs.Spec() with { Devices = [Null, new InstanceDevice("/dev/zero-too", "/dev/zero")] };

        var linux = JsonDocument.Parse(OciSpecBuilder.Serialize(OciSpecBuilder.Build(spec, "rootfs", ["/bin/true"], null))).RootElement.GetProperty("linux");

        var devices = linux.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(["/dev/null", "/dev/zero-too"], devices.Select(d => d.GetProperty("path").GetString()));
        Assert.Equal([3L, 5L], devices.Select(d => d.GetProperty("minor").GetInt64()));
        Assert.Equal(["c", "c"], devices.Select(d => d.GetProperty("type").GetString()));
        var rules = linux.GetProperty("resources").GetProperty("devices").EnumerateArray().ToList();
        Assert.False(rules[0].GetProperty("allow").GetBoolean());
        Assert.False(rules[0].TryGetProperty("type", out _));
        Assert.Equal(["c 1:3 rwm", "c 1:5 rwm"], rules.Skip(1).Select(r =>
            $"{r.GetProperty("type").GetString()} {r.GetProperty("major").GetInt64()}:{r.GetProperty("minor").GetInt64()} {r.GetProperty("access").GetString()}"));
    }

    [Fact]
    public void Without_devices_runc_gets_none_and_only_deny_all()
    {
        var linux = JsonDocument.Parse(OciSpecBuilder.Serialize(OciSpecBuilder.Build(SampleSpecs.Spec(), "rootfs", ["/bin/true"], null))).RootElement.GetProperty("linux");

        Assert.False(linux.TryGetProperty("devices", out _));
        Assert.Single(linux.GetProperty("resources").GetProperty("devices").EnumerateArray());
    }

    [Fact]
    public void A_device_missing_when_the_spec_is_written_stops_the_start()
    {
        var spec = SampleSpecs.Spec() with { Devices = [new InstanceDevice("/dev/vse-gone", "/dev/vse-gone")] };

        Assert.Throws<DeviceNotOnHostException>(() => OciSpecBuilder.Build(spec, "rootfs", ["/bin/true"], null));
    }

    [Fact]
    public void The_launcher_gets_each_device_as_host_path_and_instance_path_and_only_same_devices_share_a_launch()
    {
        using var state = new TempDirectory();
        var spec = SampleSpecs.Spec() with { StateDirectory = state.Path, Devices = [new InstanceDevice("/dev/nvidia0", "/fake/dev/nvidia0")] };

        var shape = LaunchShape.Of(spec, seccompFilter: null, [], hold: true, userNamespace: false);
        var arguments = shape.Arguments().ToList();

        var at = arguments.IndexOf("--device");
        Assert.Equal("/fake/dev/nvidia0:/dev/nvidia0", arguments[at + 1]);
        Assert.True(shape.Fits(spec, seccompFilter: null));
        Assert.False(shape.Fits(spec with { Devices = null }, seccompFilter: null));
        Assert.False(shape.Fits(spec with { Devices = [Null] }, seccompFilter: null));
    }
}
