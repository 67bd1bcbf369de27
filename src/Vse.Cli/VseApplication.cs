using System.CommandLine;
using Vse.Cli.Commands;
using Vse.Cli.Output;

namespace Vse.Cli;

/// <summary>The <c>vse</c> command line: every verb registered here, explicitly.</summary>
public static class VseApplication
{
    public static RootCommand CreateRoot(CliEnvironment environment) =>
        new("vse: virtualized system environments for HPC. Describe an environment once; build it; run it as sandboxes or VMs.")
        {
            ValidateCommand.Create(environment),
            ResolveCommand.Create(environment),
            ExplainCommand.Create(environment),
            BuildCommand.Create(environment),
            ImagesCommand.Create(environment),
            DestroyCommand.Create(environment),
            PushCommand.Create(environment),
            GcCommand.Create(environment),
            DiffCommand.Create(environment),
            CommitCommand.Create(environment),
            DevcontainerCommand.Create(environment),
            TestCommand.Create(environment),
            DeployCommand.Create(environment),
            ExecCommand.Create(environment),
            ShellCommand.Create(environment),
            CopyCommand.Create(environment),
            PsCommand.Create(environment),
            CleanupCommand.Create(environment),
            RunCommand.Create(environment),
            LogsCommand.Create(environment),
            SuspendResumeCommands.Suspend(environment),
            SuspendResumeCommands.Resume(environment),
            CheckpointRestoreCommands.Checkpoint(environment),
            CheckpointRestoreCommands.Restore(environment),
            MigrateCommand.Create(environment),
            DoctorCommand.Create(environment),
            SubmitCommand.Create(environment),
            SlurmNodeCommand.Create(environment),
            SlurmStageCommand.Create(environment),
        };

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment)
    {
        var parse = CreateRoot(environment).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"vse: error: {error.Message} (see 'vse --help')");
            }

            return ExitCodes.InvalidInput;
        }

        try
        {
            // Ctrl+C and SIGTERM cancel the command's token, and vse exits at most 2 s later. Set
            // explicitly: System.CommandLine 2.0.0 leaves it null, which means no cancellation at all
            // (dotnet/command-line-api#2739).
            // A Slurm node's share handles its signals itself: it must finish removing its instances.
            var terminationTimeout = parse.CommandResult.Command.Name == SlurmNodeCommand.Name ? (TimeSpan?)null : TimeSpan.FromSeconds(2);
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = terminationTimeout });
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("vse: interrupted");
            return ExitCodes.InfrastructureFailure;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Library failures reach the user as one line; a stack trace helps nobody at the terminal.
            await Console.Error.WriteLineAsync($"vse: error: {OneLine(e.Message)}");
            return Failures.ExitCodeFor(e);
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
