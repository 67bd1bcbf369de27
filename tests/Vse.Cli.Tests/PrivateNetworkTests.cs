using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Vse.Cli.Tests;

/// <summary>
/// <c>network: {mode: private}</c>: instances of one deployment reach each other by hostname,
/// and nothing else: not the host, not another deployment. Cleanup leaves no namespace or
/// interface behind (listed before and after).
/// </summary>
public sealed class PrivateNetworkTests
{
    private const string Vm = "driver vm";

    /// <summary>Also <see cref="RootlessPrivateNetworkTests"/>'s.</summary>
    internal const string Description = """
        vse: 1
        name: apps/net
        os: {base: busybox}
        network: {mode: private, subnet: 10.77.0.0/16}
        """;

    /// <param name="runtime">The OCI runtime the probe picks, the bulk launcher, or <see cref="Vm"/>: VMs instead of sandboxes.</param>
    [SkippableTheory]
    [InlineData(null)]
    [InlineData("vse-launch")]
    [InlineData(Vm)]
    public async Task Instances_reach_each_other_by_hostname_and_nothing_else(string? runtime)
    {
        Requirements.Root();
        Requirements.Tool("ip");
        if (runtime == Vm)
        {
            Requirements.Tool("qemu-system-x86_64");
        }

        using var workspace = new Workspace();
        workspace.Write("net.vse.yaml", Description);
        var linksBefore = LinkNames(await IpAsync("-o", "link", "show"));
        using var hostListener = new TcpListener(IPAddress.Any, 0);
        hostListener.Start();
        var hostPort = ((IPEndPoint)hostListener.LocalEndpoint).Port;

        var a = await DeployAsync(workspace, 3, runtime);
        var b = await DeployAsync(workspace, 2, runtime);
        try
        {
            Assert.Equal("127.0.0.1\tlocalhost\n10.77.0.1\tapps-net-0\n10.77.0.2\tapps-net-1\n10.77.0.3\tapps-net-2\n",
                (await workspace.RunAsync("exec", a + "/1", "--", "cat", "/etc/hosts")).Stdout);
            Assert.Equal("apps-net-0 slots=1\napps-net-1 slots=1\napps-net-2 slots=1\n",
                (await workspace.RunAsync("exec", a + "/2", "--", "cat", "/etc/vse/hostfile")).Stdout);
            Assert.Contains("inet 10.77.0.2/16", (await workspace.RunAsync("exec", a + "/1", "--", "ip", "-4", "addr", "show", "eth0")).Stdout);
            if (runtime != Vm)
            {
                // Its own sysfs, of its own network namespace: not the shared one of instances without a network (SharedSysfs).
                Assert.Equal("eth0\nlo\n", (await workspace.RunAsync("exec", a + "/1", "--", "ls", "/sys/class/net")).Stdout);
                // On one host both ends of each veth take the largest MTU (PrivateNetwork.MtuFor), so does the bridge (the least of its ports).
                Assert.Equal("65535\n", (await workspace.RunAsync("exec", a + "/1", "--", "cat", "/sys/class/net/eth0/mtu")).Stdout);
                Assert.Contains(" mtu 65535 ", await IpAsync("-n", $"vse-{a}", "-o", "link", "show", "v1"));
                Assert.Contains(" mtu 65535 ", await IpAsync("-n", $"vse-{a}", "-o", "link", "show", "vse0"));
            }
            else
            {
                // A VM's tap and its guest's link keep 1,500 (VmTapAttacher).
                Assert.Contains(" mtu 1500 ", (await workspace.RunAsync("exec", a + "/1", "--", "ip", "-o", "link", "show", "eth0")).Stdout);
                Assert.Contains(" mtu 1500 ", await IpAsync("-n", $"vse-{a}", "-o", "link", "show", "v1"));
            }

            // A listener in instance 0 of A: instance 2 of A reaches it by name; B's instances,
            // on the same subnet but their own fabric, reach only their own 10.77.0.1. What A's instance 2
            // sends is 1 MiB: TCP segments as large as the MTU allows cross the bridge (it drops any frame
            // larger than the port it leaves by: a veth left at 1,500 would stall the transfer).
            // The listener's stdin stays open (a sleep, not /dev/null), so it cannot end before the data arrives.
            Assert.Equal(0, (await workspace.RunAsync("exec", a + "/0", "--", "sh", "-c", "sleep 300 </dev/null 2>/dev/null | nc -l -p 7000 >/tmp/got 2>&1 &")).ExitCode);
            // Listening: port 7000 (1B58) in state LISTEN (0A), on IPv4 or IPv6 (busybox nc takes either).
            await Poll.UntilAsync(
                async () => (await workspace.RunAsync("exec", a + "/0", "--", "sh", "-c", "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q ':1B58 [0-9A-F]*:0000 0A'")).ExitCode == 0,
                "the listener in instance 0 is up");
            Assert.NotEqual(0, (await workspace.RunAsync("exec", b + "/1", "--", "sh", "-c", "echo from-b | nc -w 2 10.77.0.1 7000")).ExitCode);
            var sent = await workspace.RunAsync("exec", a + "/2", "--", "sh", "-c", "head -c 1048576 /dev/urandom >/tmp/big && nc -w 2 apps-net-0 7000 </tmp/big && md5sum </tmp/big");
            Assert.True(sent.ExitCode == 0, sent.Stderr);
            Assert.Matches("^[0-9a-f]{32}  -\n$", sent.Stdout);
            await Poll.UntilAsync(
                async () => (await workspace.RunAsync("exec", a + "/0", "--", "sh", "-c", "md5sum </tmp/got")).Stdout == sent.Stdout,
                "instance 0 received the 1 MiB instance 2 sent");

            // The host's own addresses: no route there.
            foreach (var address in HostAddresses())
            {
                var tried = await workspace.RunAsync("exec", a + "/1", "--", "sh", "-c", $"echo x | nc -w 2 {address} {hostPort}");
                Assert.NotEqual(0, tried.ExitCode);
                Assert.Contains("Network is unreachable", tried.Stderr);
            }

            Assert.False(hostListener.Pending(), "an instance reached a listener on the host");
            Assert.Contains($"vse-{a}", await IpAsync("netns", "list"));
            // The fabric's own settings (PrivateNetwork.FabricSysctls): no IPv6 on its bridges and ports, bridged frames not through iptables.
            var settings = await IpAsync("netns", "exec", $"vse-{a}", "sysctl", "-n", "-e", "net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6", "net.bridge.bridge-nf-call-iptables");
            Assert.Equal(File.Exists("/proc/sys/net/bridge/bridge-nf-call-iptables") ? "1\n1\n0\n" : "1\n1\n", settings);
            Assert.DoesNotContain("inet6", await IpAsync("-n", $"vse-{a}", "addr", "show"));
        }
        finally
        {
            Assert.Equal(0, (await workspace.RunAsync("cleanup", a)).ExitCode);
            Assert.Equal(0, (await workspace.RunAsync("cleanup", b)).ExitCode);
        }

        // Other tests (other test assemblies too) make and remove namespaces and links meanwhile,
        // so what is checked is that nothing of these two deployments is left: their fabrics,
        // and no link of the names a fabric uses appearing on the host.
        var namespacesAfter = await IpAsync("netns", "list");
        Assert.DoesNotContain($"vse-{a}", namespacesAfter);
        Assert.DoesNotContain($"vse-{b}", namespacesAfter);
        Assert.DoesNotContain(
            LinkNames(await IpAsync("-o", "link", "show")).Except(linksBefore),
            name => System.Text.RegularExpressions.Regex.IsMatch(name, @"^(v|vse|up|down)\d+$|^eth0$"));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(workspace.VseHome, "run")).Select(Path.GetFileName), e => e != "runtime");
    }

    private static async Task<string> DeployAsync(Workspace workspace, int instances, string? runtime)
    {
        string[] arguments = ["deploy", "net.vse.yaml", "--instances", instances.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var deployed = await workspace.RunAsync(runtime switch
        {
            null => arguments,
            Vm => [.. arguments, "--driver", "vm"],
            _ => [.. arguments, "--runtime", runtime],
        });
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        return deployed.Stdout.Trim();
    }

    /// <summary>The names in <c>ip -o link show</c>'s lines ("12: NAME@PEER: &lt;...&gt;").</summary>
    internal static HashSet<string> LinkNames(string links) =>
        [.. links.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(':')[1].Trim().Split('@')[0])];

    internal static IEnumerable<IPAddress> HostAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    internal static async Task<string> IpAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Requirements.Tool("ip")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
