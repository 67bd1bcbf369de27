using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse migrate DEP[/INDEX] --to HOST [--address ADDR]</c>: move running VM instances to
/// another host while they run (live migration). On one machine a host is a network namespace
/// (<c>ip netns</c>), as the nodes of a virtual cluster are.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var target = new Argument<string>("DEP[/INDEX]") { Description = "A deployment id (or unique prefix, or name), optionally /INDEX for one instance" };
        var to = new Option<string>("--to") { Description = "The destination host: a network namespace's name (ip netns) or file", Required = true };
        var address = new Option<string?>("--address") { Description = "The destination's IPv4 address the migration stream goes to (default: its first global IPv4 address)" };
        var command = new Command("migrate", "Move running VM instances to another host without stopping them (live migration)") { target, to, address };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (reference, index) = InstanceReference.Parse(parse.GetValue(target)!);
            var host = parse.GetValue(to)!;
            var namespaceFile = host.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(host) : Path.Combine("/run/netns", host);
            if (!File.Exists(namespaceFile))
            {
                throw new UsageException($"--to: there is no network namespace {namespaceFile}");
            }

            var destination = parse.GetValue(address) ?? await FirstAddressAsync(host, namespaceFile, cancellationToken);
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var deployment = await workspace.Deployments.GetAsync(reference, cancellationToken);
            var moved = 0;
            await workspace.Instances.MigrateAsync(
                deployment, index, new MigrationTarget(namespaceFile, destination),
                hostname =>
                {
                    moved++;
                    Console.Error.WriteLine($"migrated {hostname} to {host} ({destination})");
                },
                cancellationToken);
            Console.Out.WriteLine($"migrated {deployment.Id} ({moved} instance(s)) to {host}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The namespace's first global IPv4 address, as <c>ip -4 -o addr show scope global</c> lists them.</summary>
    private static async Task<string> FirstAddressAsync(string host, string namespaceFile, CancellationToken cancellationToken)
    {
        var listed = await ExternalTool.RunAsync(
            ExternalTool.Require("nsenter", "util-linux"),
            ["--net=" + namespaceFile, "--", ExternalTool.Require("ip", "iproute2"), "-4", "-o", "addr", "show", "scope", "global"],
            cancellationToken);
        // "2: eth0    inet 10.0.0.2/24 brd ... scope global eth0"
        var fields = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(f => f.Length > 3);
        return fields?[3].Split('/')[0] ?? throw new UsageException($"--to: {host} has no global IPv4 address to migrate to; give one with --address");
    }
}
