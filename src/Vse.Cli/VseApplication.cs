using System.CommandLine;
using Vse.Cli.Commands;
using Vse.Cli.Output;

namespace Vse.Cli;

/// <summary>The <c>vse</c> command line: every verb registered here, explicitly.</summary>
public static class VseApplication
{
    private const string Name = "vse";

    private const string Description = "vse: virtualized system environments for HPC. Describe an environment once; build it; run it as sandboxes or VMs.";

    /// <summary>Every verb, in the order help lists them, by the name its command has.</summary>
    internal static readonly IReadOnlyList<Verb> Verbs =
    [
        new("validate", ValidateCommand.Create),
        new("resolve", ResolveCommand.Create),
        new("explain", ExplainCommand.Create),
        new("build", BuildCommand.Create),
        new("images", ImagesCommand.Create),
        new("destroy", DestroyCommand.Create),
        new("push", PushCommand.Create),
        new("gc", GcCommand.Create),
        new("diff", DiffCommand.Create),
        new("commit", CommitCommand.Create),
        new("devcontainer", DevcontainerCommand.Create),
        new("test", TestCommand.Create),
        new("deploy", DeployCommand.Create),
        new("exec", ExecCommand.Create),
        new("shell", ShellCommand.Create),
        new("cp", CopyCommand.Create),
        new("ps", PsCommand.Create),
        new("cleanup", CleanupCommand.Create),
        new("run", RunCommand.Create),
        new("logs", LogsCommand.Create),
        new("suspend", SuspendResumeCommands.Suspend),
        new("resume", SuspendResumeCommands.Resume),
        new("checkpoint", CheckpointRestoreCommands.Checkpoint),
        new("restore", CheckpointRestoreCommands.Restore),
        new("migrate", MigrateCommand.Create),
        new("doctor", DoctorCommand.Create),
        new("submit", SubmitCommand.Create),
        new(SlurmNodeCommand.Name, SlurmNodeCommand.Create),
        new("slurm-stage", SlurmStageCommand.Create),
    ];

    /// <summary>The whole tree: every verb's command, with its options and validators.</summary>
    public static RootCommand CreateRoot(CliEnvironment environment) => Root(new RootCommand(Description), environment, Verbs);

    /// <summary>
    /// The tree <paramref name="args"/> needs: only the named verb's command when the first
    /// argument names one, else all (help, the version, an unknown verb and its suggestions).
    /// Building all 29 commands, their options and validators on every start was ~2 ms of a
    /// one-shot <c>vse run</c>; what the parser sees for that verb is the same either way.
    /// The help and version options (and the directives) come with System.CommandLine's
    /// <see cref="RootCommand"/>, whose help option reads the library's localised resources
    /// through reflection: ~2 ms more of a native start (bench/RESULTS.md, "prep4"). So a verb's
    /// tree is rooted in a plain command unless an argument could ask for one of them.
    /// </summary>
    internal static Command CreateRoot(CliEnvironment environment, IReadOnlyList<string> args)
    {
        if (args.Count == 0 || Verbs.FirstOrDefault(v => v.Name == args[0]) is not { } verb)
        {
            return CreateRoot(environment);
        }

        return Root(MayAskForRootOptions(args) ? new RootCommand(Description) : new Command(Name, Description), environment, [verb]);
    }

    /// <summary>
    /// Whether a token before <c>--</c> is one of <see cref="RootCommand"/>'s options (help, with
    /// all its aliases, and version), a directive, or a response file that may hold either.
    /// </summary>
    private static bool MayAskForRootOptions(IReadOnlyList<string> args)
    {
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                return false;
            }

            if (arg is "--help" or "-h" or "/h" or "-?" or "/?" or "--version" || arg.StartsWith('@') || arg.StartsWith('['))
            {
                return true;
            }
        }

        return false;
    }

    private static T Root<T>(T root, CliEnvironment environment, IEnumerable<Verb> verbs)
        where T : Command
    {
        foreach (var verb in verbs)
        {
            root.Subcommands.Add(verb.Create(environment));
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment)
    {
        var parse = CreateRoot(environment, args).Parse(args);
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
