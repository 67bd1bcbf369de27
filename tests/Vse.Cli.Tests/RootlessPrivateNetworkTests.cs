using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vse.Cli.Tests;

/// <summary>
/// <c>network: private</c> as an ordinary user (docs/parallel.md): the fabric is a user and
/// network namespace of the user's own, held by one process; four instances reach each other by
/// hostname, not the host; the host gets no interface; cleanup leaves no process of the user
/// (so no namespace: an ordinary user cannot pin one by a mount on the host) and no mount.
/// The bulk launcher starts them; the OCI runtime path refuses, saying why.
/// </summary>
public sealed class RootlessPrivateNetworkTests
{
    [SkippableFact]
    public async Task Four_launched_instances_of_an_ordinary_user_reach_each_other_by_hostname_and_cleanup_leaves_nothing()
    {
        Requirements.Tool("ip");
        Requirements.Tool("nsenter");
        var root = Directory.CreateTempSubdirectory("vse-rootless-net-").FullName;
        try
        {
            var user = await RootlessTests.UserWithDescriptionsAsync(
                root,
                new Dictionary<string, string> { ["net.vse.yaml"] = PrivateNetworkTests.Description },
                "vse-rootless-net");
            var linksBefore = PrivateNetworkTests.LinkNames(await PrivateNetworkTests.IpAsync("-o", "link", "show"));
            using var hostListener = new TcpListener(IPAddress.Any, 0);
            hostListener.Start();
            var hostPort = ((IPEndPoint)hostListener.LocalEndpoint).Port;

            var deployed = await user.RunAsync("deploy", "net.vse.yaml", "--instances", "4", "--runtime", "vse-launch");
            Assert.True(deployed.ExitCode == 0, deployed.Stderr);
            var id = deployed.Stdout.Trim();
            var holder = int.Parse((await File.ReadAllTextAsync(Path.Combine(user.Home, "run", id, "network", "fabric-holder"))).Split(' ')[0], CultureInfo.InvariantCulture);
            var fabricUserNamespace = new FileInfo($"/proc/{holder}/ns/user").LinkTarget;
            Assert.NotEqual(new FileInfo("/proc/self/ns/user").LinkTarget, fabricUserNamespace);
            Assert.Contains($"Uid:\t{user.Uid}\t", await File.ReadAllTextAsync($"/proc/{holder}/status"));

            Assert.Equal("127.0.0.1\tlocalhost\n10.77.0.1\tapps-net-0\n10.77.0.2\tapps-net-1\n10.77.0.3\tapps-net-2\n10.77.0.4\tapps-net-3\n",
                (await user.RunAsync("exec", id + "/3", "--", "cat", "/etc/hosts")).Stdout);
            Assert.Contains("inet 10.77.0.2/16", (await user.RunAsync("exec", id + "/1", "--", "ip", "-4", "addr", "show", "eth0")).Stdout);
            // One host: the launcher gives both ends of each veth the largest MTU (--mtu), as for root.
            Assert.Equal("65535\n", (await user.RunAsync("exec", id + "/1", "--", "cat", "/sys/class/net/eth0/mtu")).Stdout);
            var pids = (await user.RunAsync("ps")).Stdout.Split('\n').Where(l => l.StartsWith(id, StringComparison.Ordinal))
                .Select(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(4, pids.Count);
            // Every instance in the fabric's user namespace, each with a network namespace of its own.
            Assert.All(pids, pid => Assert.Equal(fabricUserNamespace, new FileInfo($"/proc/{pid}/ns/user").LinkTarget));
            Assert.Equal(4, pids.Select(pid => new FileInfo($"/proc/{pid}/ns/net").LinkTarget).Distinct().Count());

            // Instance 3 reaches a listener in instance 0 by name, through the fabric's bridge.
            // The listener's stdin stays open (a sleep, not /dev/null), so it cannot end before the data arrives.
            Assert.Equal(0, (await user.RunAsync("exec", id + "/0", "--", "sh", "-c", "sleep 300 </dev/null 2>/dev/null | nc -l -p 7000 >/tmp/got 2>&1 &")).ExitCode);
            // Listening: port 7000 (1B58) in state LISTEN (0A), on IPv4 or IPv6 (busybox nc takes either).
            await Poll.UntilAsync(
                async () => (await user.RunAsync("exec", id + "/0", "--", "sh", "-c", "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q ':1B58 [0-9A-F]*:0000 0A'")).ExitCode == 0,
                "the listener in instance 0 is up");
            var sent = await user.RunAsync("exec", id + "/3", "--", "sh", "-c", "echo from-3 | nc -w 2 apps-net-0 7000");
            Assert.True(sent.ExitCode == 0, sent.Stderr);
            await Poll.UntilAsync(
                async () => (await user.RunAsync("exec", id + "/0", "--", "cat", "/tmp/got")).Stdout == "from-3\n",
                "instance 0 received what instance 3 sent");

            // The host's own addresses: no route there.
            foreach (var address in PrivateNetworkTests.HostAddresses())
            {
                var tried = await user.RunAsync("exec", id + "/1", "--", "sh", "-c", $"echo x | nc -w 2 {address} {hostPort}");
                Assert.NotEqual(0, tried.ExitCode);
                Assert.Contains("Network is unreachable", tried.Stderr);
            }

            Assert.False(hostListener.Pending(), "an instance reached a listener on the host");
            // No interface appeared on the host (others' tests may add theirs meanwhile: only the fabric's names count).
            Assert.DoesNotContain(PrivateNetworkTests.LinkNames(await PrivateNetworkTests.IpAsync("-o", "link", "show")).Except(linksBefore), name => System.Text.RegularExpressions.Regex.IsMatch(name, @"^(v|vse|up|down)\d+$|^eth0$"));

            var cleaned = await user.RunAsync("cleanup", id);
            Assert.True(cleaned.ExitCode == 0, cleaned.Stderr);
            Assert.Empty(ProcessesOf(user.Uid));
            Assert.DoesNotContain(await File.ReadAllLinesAsync("/proc/self/mountinfo"), line => line.Contains(root, StringComparison.Ordinal));
            Assert.All(Directory.EnumerateFileSystemEntries(Path.Combine(user.Home, "run")).Select(Path.GetFileName), name => Assert.Equal("runtime", name));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [SkippableFact]
    public async Task The_oci_runtime_path_refuses_an_ordinary_users_private_network_saying_why_and_leaves_nothing()
    {
        var root = Directory.CreateTempSubdirectory("vse-rootless-net-").FullName;
        try
        {
            var user = await RootlessTests.UserWithDescriptionsAsync(root, new Dictionary<string, string> { ["net.vse.yaml"] = PrivateNetworkTests.Description }, "vse-rootless-rnet");
            var refused = await user.RunAsync("deploy", "net.vse.yaml", "--instances", "4");
            Assert.Equal(4, refused.ExitCode);
            Assert.Equal(
                "vse: error: the sandbox driver cannot give an instance network mode 'private': as an ordinary user, instances on a private network (or a shared loopback) join the fabric's user namespace, and the OCI runtime (runc) then keeps its init closed to vse until the instance runs (non-dumpable), so vse cannot check its mounts or plug in its network first; deploy with --runtime vse-launch",
                refused.ErrorLines.Last());
            Assert.Empty(ProcessesOf(user.Uid));
            Assert.All(Directory.EnumerateFileSystemEntries(Path.Combine(user.Home, "run")).Select(Path.GetFileName), name => Assert.Equal("runtime", name));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>PIDs of the processes whose real uid is <paramref name="uid"/>.</summary>
    internal static List<int> ProcessesOf(uint uid) =>
        [.. Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit)).Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid =>
            {
                try
                {
                    return File.ReadLines($"/proc/{pid}/status").Any(line => line.StartsWith($"Uid:\t{uid}\t", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    return false;
                }
            })];
}
