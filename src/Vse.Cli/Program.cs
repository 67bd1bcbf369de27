using Vse.Cli;

return await VseApplication.RunAsync(args, CliEnvironment.FromProcess());
