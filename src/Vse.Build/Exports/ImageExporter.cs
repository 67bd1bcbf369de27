namespace Vse.Build.Exports;

/// <summary>
/// Exports a built root filesystem in one of the <see cref="ExportFormat"/>s. Every export is
/// written under a temporary name beside the destination and renamed into place when complete,
/// so the destination never holds a partial result; an existing destination is replaced.
/// </summary>
public static class ImageExporter
{
    /// <param name="rootfs">The tree to export; read, never changed.</param>
    /// <exception cref="InvalidExportTargetException">The destination overlaps the tree, or is of the wrong kind.</exception>
    /// <exception cref="Vse.Host.Processes.ToolMissingException">A tool the format needs is not installed.</exception>
    /// <exception cref="Vse.Host.Processes.ToolFailedException">A tool failed; its message carries the tool's own words.</exception>
    /// <returns>What the export left out or changed (only <c>dir</c> changes anything: see <see cref="ExportResult"/>).</returns>
    public static async Task<ExportResult> ExportAsync(string rootfs, ExportedImageConfig config, ExportTarget target, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var source = ExportPaths.RequireRootfs(rootfs);
        var destination = ExportPaths.PrepareDestination(source, target, target.Format is ExportFormat.Dir or ExportFormat.Oci);
        using var staged = new StagedOutput(destination);
        var result = ExportResult.Unchanged;
        switch (target.Format)
        {
            case ExportFormat.Dir:
                result = await DirectoryExport.WriteAsync(source, staged.TemporaryPath, cancellationToken);
                break;
            case ExportFormat.Tar:
                await TarExport.WriteAsync(source, staged.TemporaryPath, cancellationToken);
                break;
            case ExportFormat.Oci:
                await OciExport.WriteAsync(source, config, staged.TemporaryPath, cancellationToken);
                break;
            case ExportFormat.Squashfs:
                await SquashfsExport.WriteAsync(source, staged.TemporaryPath, cancellationToken);
                break;
            case ExportFormat.Ext4:
                await Ext4Export.WriteAsync(source, staged.TemporaryPath, config.DescriptionDigest, cancellationToken);
                break;
            case ExportFormat.Qcow2:
                await Qcow2Export.WriteAsync(source, staged.TemporaryPath, config.DescriptionDigest, cancellationToken);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target.Format, "unknown export format");
        }

        cancellationToken.ThrowIfCancellationRequested();
        staged.Commit();
        return result;
    }
}
