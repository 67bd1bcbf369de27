using Vse.Host;

namespace Vse.Build.Exports;

/// <summary>
/// The export destination cannot be used as asked (it overlaps the root filesystem, or an
/// existing node there is of the wrong kind): the user's mistake, not a failure of the system.
/// </summary>
public sealed class InvalidExportTargetException(ExportTarget target, string reason)
    : Exception($"cannot export to {target}: {reason}"), IInputError
{
    public ExportTarget Target { get; } = target;
}
