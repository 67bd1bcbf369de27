using System.CommandLine;
using System.Text.Json;
using Vse.Build.Rootless;
using Vse.Cli.Output;
using Vse.Runtime.Host;
using Vse.Runtime.Oci;
using Vse.State;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse doctor [--json]</c>: what this host offers. Exit 0 when the sandbox driver can run
/// (an OCI runtime works, or else the bulk launcher is built), 4 otherwise. Every runtime is probed afresh and the probe cache
/// rewritten, so doctor is also how to make deploy forget an outcome.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("doctor", "What this host offers: OCI runtimes that work, KVM or TCG, cgroup layout, user namespaces, tools found") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var report = await new HostInspector(await ProbeCacheAsync(environment, cancellationToken)).InspectAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, DoctorJson.Relaxed.HostReport));
            }
            else
            {
                var rootlessBuild = DoctorPrinter.RootlessBuildLine(Environment.IsPrivilegedProcess, BuildNamespace.ProbeCurrentUser());
                DoctorPrinter.Write(Console.Out, report, rootlessBuild);
            }

            if (report.SandboxDriverAvailable)
            {
                return ExitCodes.Success;
            }

            await Console.Error.WriteLineAsync($"vse: error: the sandbox driver cannot run on this host: {report.SandboxDriverReason}");
            return ExitCodes.InfrastructureFailure;
        });
        return command;
    }

    // A host without a usable data directory is still worth a report: only the cache is lost.
    private static async Task<OciRuntimeProbeCache?> ProbeCacheAsync(CliEnvironment environment, CancellationToken cancellationToken)
    {
        try
        {
            var home = VseHome.Resolve(environment.Variables, Environment.IsPrivilegedProcess);
            home.EnsureCreated(cancellationToken);
            return new OciRuntimeProbeCache(home.Root);
        }
        catch (VseHomeException e)
        {
            await Console.Error.WriteLineAsync($"vse: warning: the runtime probe cache is not refreshed: {e.Message}");
            return null;
        }
    }
}
