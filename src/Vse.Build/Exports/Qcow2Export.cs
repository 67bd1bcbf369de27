using Vse.Host.Processes;

namespace Vse.Build.Exports;

/// <summary>The <c>qcow2</c> export: the ext4 image, converted to the format the VM driver boots from.</summary>
internal static class Qcow2Export
{
    public static async Task WriteAsync(string rootfs, string output, string identity, CancellationToken cancellationToken)
    {
        var qemuImg = ExternalTool.Require("qemu-img", "qemu-utils");

        // Never committed: the raw image is removed when the conversion is done or has failed.
        using var raw = new StagedOutput(output);
        await Ext4Export.WriteAsync(rootfs, raw.TemporaryPath, identity, cancellationToken);
        await ExternalTool.RunAsync(
            qemuImg,
            ["convert", "-q", "-f", "raw", "-O", "qcow2", raw.TemporaryPath, output],
            cancellationToken,
            environment: ToolEnvironment.CLocale);
    }
}
