using System.CommandLine;
using System.Text.Json;
using Vse.Build.Exports;
using Vse.Deploy.DevContainers;
using Vse.Deploy.Preparation;
using Vse.Runtime.Drivers;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse devcontainer FILE [--target T] [--output DIR]</c>: builds the description, then writes
/// <c>DIR/.devcontainer/devcontainer.json</c> and the OCI image layout it names,
/// <c>DIR/.devcontainer/image</c> (docs/devcontainer.md).
/// </summary>
internal static class DevcontainerCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = CommonOptions.File();
        var target = CommonOptions.Target();
        var output = new Option<string>("--output", "-o")
        {
            Description = "The project directory to write .devcontainer/ into (default: the current directory)",
            HelpName = "DIR",
            DefaultValueFactory = _ => ".",
        };
        var command = new Command("devcontainer", "Write .devcontainer/devcontainer.json and the OCI image it names: develop in an editor inside the environment the cluster runs")
        {
            file, target, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Policy is checked as for a deploy of one sandbox: the mounts it grants are the container's.
            var (prepared, exitCode) = await DeployCommand.PrepareAsync(
                environment, parse.GetValue(file)!, parse.GetValue(target), new DeployRequest(1, 1, DriverCatalog.Sandbox), cancellationToken);
            if (prepared is null)
            {
                return exitCode;
            }

            var directory = Path.Combine(Path.GetFullPath(parse.GetValue(output)!), ".devcontainer");
            Directory.CreateDirectory(directory);
            var definition = DevContainer.Definition(prepared.Configuration, prepared.Model, prepared.GrantedMounts);
            var image = Path.Combine(directory, "image");
            await ImageExporter.ExportAsync(
                prepared.Configuration.RootfsPath, DevContainer.ImageConfig(prepared.Configuration, prepared.Model), new ExportTarget(ExportFormat.Oci, image), cancellationToken);
            var json = Path.Combine(directory, "devcontainer.json");
            await using (var stream = File.Create(json))
            await using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                definition.WriteTo(writer);
            }


            var name = DevContainer.ImageName(prepared.Configuration);
            Console.Out.WriteLine($"wrote {json} and the OCI image {image} ({name})");
            Console.Out.WriteLine($"load it: skopeo copy oci:{image}:latest containers-storage:{name}   (podman)");
            Console.Out.WriteLine($"     or: skopeo copy oci:{image}:latest docker-daemon:{name}   (docker)");
            return ExitCodes.Success;
        });
        return command;
    }
}
