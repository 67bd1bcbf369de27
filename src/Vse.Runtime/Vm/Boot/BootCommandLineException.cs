namespace Vse.Runtime.Vm.Boot;

/// <summary>
/// A <c>boot.cmdline</c> entry cannot be passed to the kernel as one argument (whitespace, a
/// control character or a quote in it, a value of the wrong kind), or the whole line is too long.
/// The message names the entry.
/// </summary>
public sealed class BootCommandLineException(string message) : Exception(message);
