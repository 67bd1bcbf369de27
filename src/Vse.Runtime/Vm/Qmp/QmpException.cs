namespace Vse.Runtime.Vm.Qmp;

/// <summary>QEMU answered a QMP command with an error (its class and description), or the monitor went away.</summary>
public sealed class QmpException(string message) : IOException(message);
