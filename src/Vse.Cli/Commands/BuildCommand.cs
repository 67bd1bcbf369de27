using System.CommandLine;
using Vse.Build;
using Vse.Build.Exports;
using Vse.Build.FileSystem;
using Vse.Build.Locks;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Preparation;
using Vse.Description;
using Vse.Description.Model;
using Vse.Host.FileSystem;
using Vse.State.Configurations;

namespace Vse.Cli.Commands;

/// <summary><c>vse build FILE [--target T] [--output FORMAT:PATH]... [--no-cache] [--check] [--locked LOCK] [--store DIR]</c>.</summary>
internal static class BuildCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = CommonOptions.File();
        var target = CommonOptions.Target();
        var outputs = new Option<string[]>("--output", "-o")
        {
            Description = "Also export the image: FORMAT:PATH with FORMAT one of dir, tar, oci, squashfs, ext4, qcow2 (repeatable)",
            HelpName = "FORMAT:PATH",
            AllowMultipleArgumentsPerToken = false,
        };
        var noCache = new Option<bool>("--no-cache") { Description = "Rebuild every step, ignoring cached layers" };
        var check = new Option<bool>("--check")
        {
            Description = "Then rebuild every layer without cache into a scratch store and name each step whose result differs from its cached layer (exit 1 when one does)",
        };
        var locked = new Option<string>("--locked")
        {
            Description = "Debian bases: install exactly the package versions of this lock file (an earlier build's /.vse/lock.json) or fail naming the missing ones",
            HelpName = "LOCK",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print the output of every build tool" };
        var store = new Option<string>("--store")
        {
            Description = "Build into this layer store instead of your own, made readable by all: a site store your users' builds reuse (e.g. /var/lib/vse-site; docs/install.md)",
            HelpName = "DIR",
        };
        var command = new Command("build", "Build the description into a root filesystem through cached, content-addressed layers")
        {
            file, target, outputs, noCache, check, locked, verbose, store,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var exports = new List<ExportTarget>();
            foreach (var text in parse.GetValue(outputs) ?? [])
            {
                if (!ExportTarget.TryParse(text, out var export, out var error))
                {
                    await Console.Error.WriteLineAsync($"vse: error: --output {text}: {error}");
                    return ExitCodes.InvalidInput;
                }

                exports.Add(export!);
            }

            if (await BuildNamespaceEntry.RunInsideAsync(environment, cancellationToken) is { } inside)
            {
                return inside;
            }

            var result = environment.Resolve(parse.GetValue(file)!, parse.GetValue(target), cancellationToken);
            DiagnosticPrinter.Print(result.Diagnostics, environment, Console.Error);
            if (result.Description is not { } resolved)
            {
                return DiagnosticPrinter.ExitCodeFor(result.Diagnostics);
            }

            PackagePins? pins = null;
            if (parse.GetValue(locked) is { } lockPath)
            {
                try
                {
                    pins = PackagePins.Read(lockPath, resolved);
                }
                catch (LockFileException e)
                {
                    await Console.Error.WriteLineAsync(e.Message);
                    return ExitCodes.InvalidInput;
                }
            }

            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken, parse.GetValue(store));
            var started = System.Diagnostics.Stopwatch.StartNew();
            var model = RuntimeModel.From(resolved);
            var progress = new BuildProgressPrinter(Console.Out, parse.GetValue(verbose));
            var (configuration, built) = await ConfigurationRecorder.BuildAsync(
                workspace, resolved, model, parse.GetValue(noCache), progress, PreparationReports.Warning, cancellationToken, pins);

            foreach (var export in exports)
            {
                var exportStarted = System.Diagnostics.Stopwatch.StartNew();
                var exported = await ImageExporter.ExportAsync(built.Rootfs, ExportedImageConfig.Of(resolved.Name, resolved.Digest, model), export, cancellationToken);
                foreach (var warning in exported.Warnings)
                {
                    await Console.Error.WriteLineAsync($"vse: warning: {export}: {warning}");
                }

                Console.Out.WriteLine($"exported {export.Format.ToString().ToLowerInvariant()}:{export.Path} in {Sizes.Duration(exportStarted.Elapsed)}");
            }

            Console.Out.WriteLine(
                $"built {resolved.Name} as configuration {configuration.Id} in {Sizes.Duration(started.Elapsed)}: " +
                $"{built.Layers.Count} layers, {built.StepsRun} built, {built.Layers.Count - built.StepsRun} cached; {Sizes.Bytes(configuration.SizeBytes)}");
            return parse.GetValue(check)
                ? await BuildCheckReport.RunAsync(workspace, built, resolved, model, progress, pins, cancellationToken)
                : ExitCodes.Success;
        });
        return command;
    }
}
