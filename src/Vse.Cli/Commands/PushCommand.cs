using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Registry;
using Vse.Description.Model;

namespace Vse.Cli.Commands;

/// <summary><c>vse push CONFIG docker://HOST[:PORT]/NAME[:TAG] [--tls-verify BOOL]</c> (docs/registry.md).</summary>
internal static class PushCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var reference = new Argument<string>("CONFIG") { Description = "A configuration id (or unique prefix), name or digest, as `vse images` shows" };
        var destination = new Argument<string>("DESTINATION") { Description = "docker://HOST[:PORT]/NAME[:TAG]: the registry, repository and tag to push to" };
        var tlsVerify = new Option<bool?>("--tls-verify")
        {
            Description = "Require HTTPS with a verified certificate (true) or allow plain HTTP and any certificate (false); default: true, false for a loopback registry",
            HelpName = "BOOL",
        };
        var command = new Command("push", "Push a built configuration to a registry as an OCI image, one OCI layer per vse layer; prints the manifest digest")
        {
            reference, destination, tlsVerify,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(destination)!;
            if (!RegistryReference.TryParse(text, out var target, out var problem))
            {
                await Console.Error.WriteLineAsync($"vse: error: {text}: {problem}");
                return ExitCodes.InvalidInput;
            }

            if (target!.Digest is not null)
            {
                await Console.Error.WriteLineAsync($"vse: error: {text}: push to a tag, not a digest: the registry gives the digest");
                return ExitCodes.InvalidInput;
            }

            if (await BuildNamespaceEntry.RunInsideAsync(environment, cancellationToken) is { } inside)
            {
                return inside;
            }

            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var configuration = await workspace.Configurations.GetAsync(parse.GetValue(reference)!, cancellationToken);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var pushed = await ConfigurationPush.PushAsync(
                workspace, configuration, target, parse.GetValue(tlsVerify), line => Console.Error.WriteLine($"push: {line}"), cancellationToken);
            await Console.Error.WriteLineAsync(
                $"pushed {configuration.Name} ({configuration.Id}) to {target} in {Sizes.Duration(started.Elapsed)}: " +
                $"{pushed.Layers} layers, {pushed.LayersSent} sent ({Sizes.Bytes(pushed.BytesSent)}), {pushed.Layers - pushed.LayersSent} already there");
            Console.Out.WriteLine(pushed.ManifestDigest);
            return ExitCodes.Success;
        });
        return command;
    }
}
