using System.CommandLine;

namespace Vse.Cli;

/// <summary>A verb of the command line: its name, and how its command is built.</summary>
internal sealed record Verb(string Name, Func<CliEnvironment, Command> Create);
