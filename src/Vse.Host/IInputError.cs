namespace Vse.Host;

/// <summary>
/// Marks an exception whose cause is the user's input (a description, a name or an id given on
/// the command line, a path that would leave an image), not the host or a tool: the user can fix
/// it, and retrying without a change cannot help. The CLI answers every such exception with the
/// invalid-input exit code (2), whatever the layer that raised it; an exception type joins by
/// implementing this, instead of being listed in the CLI.
/// </summary>
public interface IInputError;
