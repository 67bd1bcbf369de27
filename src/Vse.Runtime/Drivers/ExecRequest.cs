namespace Vse.Runtime.Drivers;

/// <summary>
/// A command to run inside an instance. The command's output is copied to the given streams as
/// it comes; null streams discard output (or give empty input).
/// </summary>
/// <param name="Argv">The program and its arguments; never parsed by a shell.</param>
/// <param name="Env">Added to (and overriding) the instance's environment.</param>
/// <param name="WorkingDirectory">Inside the instance; null means <c>/</c>.</param>
/// <param name="Tty">
/// Give the command a terminal of its own, joined to the calling process's terminal: the calling
/// process's standard streams are used as they are and the three streams here are ignored.
/// </param>
/// <param name="OwnStreams">
/// <see cref="Stdout"/> and <see cref="Stderr"/> are the calling process's own standard output and
/// error (<c>vse run</c>'s), and <see cref="Stdin"/>, when given, its own standard input: a driver
/// may hand them to the runtime as they are, with no pipe and no copy, where it reads nothing of
/// the command's output itself (a null <see cref="Stdin"/> is still an empty input).
/// </param>
public sealed record ExecRequest(
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string>? Env = null,
    string? WorkingDirectory = null,
    bool Tty = false,
    Stream? Stdin = null,
    Stream? Stdout = null,
    Stream? Stderr = null,
    bool OwnStreams = false);
