using Vse.Runtime.Drivers;

namespace Vse.Deploy.Online;

/// <summary>
/// <c>vse shell</c>: a login shell in an instance, bash where the image has it, else the image's
/// <c>/bin/sh</c>. It is an ordinary exec: the command starts with the instance's environment (the
/// description's <c>env</c>, as the runtime gives it to every process of the instance), and the
/// login scripts then run as for an ssh login.
/// </summary>
public static class InstanceShell
{
    /// <summary>
    /// The fixed script the shell starts from: no value of the user's or the description's is
    /// ever part of its text. <c>$1</c> is <c>-i</c> when the shell reads commands from pipes but a
    /// person types them (a VM, whose agent has no terminal to give), so it still prompts.
    /// </summary>
    internal const string LoginScript = """
        if command -v bash >/dev/null 2>&1; then exec bash -l "$@"; fi
        exec /bin/sh -l "$@"
        """;

    /// <summary>The request that starts the shell.</summary>
    /// <param name="terminal">Give the shell a terminal of its own, joined to the caller's (the driver must be able to: <see cref="DriverCapabilities.Terminal"/>).</param>
    /// <param name="interactive">A person types, but on pipes: the shell is told to be interactive (prompts, no exit on a failed command).</param>
    /// <param name="term">The caller's <c>TERM</c>, passed on with a terminal so full-screen programs draw right.</param>
    public static ExecRequest Request(bool terminal, bool interactive, string? term, Stream? stdin, Stream? stdout, Stream? stderr)
    {
        List<string> argv = ["/bin/sh", "-c", LoginScript, "vse-shell"];
        if (interactive && !terminal)
        {
            argv.Add("-i");
        }

        return new ExecRequest(
            argv,
            Env: terminal && term is not null ? new Dictionary<string, string>(StringComparer.Ordinal) { ["TERM"] = term } : null,
            WorkingDirectory: "/",
            Tty: terminal,
            Stdin: stdin,
            Stdout: stdout,
            Stderr: stderr);
    }
}
