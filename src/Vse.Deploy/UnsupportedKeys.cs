using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Runtime.Drivers;

namespace Vse.Deploy;

/// <summary>
/// Keys of the language (DESIGN §2) that resolve accepts but a driver does not apply (yet): on a VM,
/// <c>security</c>, <c>devices</c>, <c>gpus</c> and <c>mpi: host</c>. Deploying a description that uses one there is refused: an instance started without the devices it asked for
/// would run, and fail or misbehave later, far from the cause. An input error (exit 2), not an
/// infrastructure one: retrying cannot help, changing the description can.
/// </summary>
public static class UnsupportedKeys
{
    /// <param name="resolved">Where the keys were written, for the error's location.</param>
    /// <param name="model">What <paramref name="resolved"/> asks for (<see cref="RuntimeModel.From"/>).</param>
    /// <param name="driver">The driver the deployment uses: <c>security</c> means nothing to a VM.</param>
    public static IEnumerable<Diagnostic> Check(ResolvedDescription resolved, RuntimeModel model, string driver = "sandbox")
    {
        if (driver == DriverCatalog.Vm && !model.Security.IsDefault)
        {
            // A VM's guest runs its own kernel inside QEMU: there is no seccomp filter or capability
            // set of vse's in it to relax, and starting it as if the key had been applied would lie.
            var location = resolved.Provenance.PathsUnder("security").Select(p => resolved.Provenance.LastWrite(p)?.Location).OfType<SourceLocation>().FirstOrDefault()
                ?? SourceLocation.StartOf(resolved.Layers[^1].File);
            yield return new Diagnostic(Severity.Error, DiagnosticCodes.NotSupportedYet, location,
                "'security' relaxes the confinement of sandbox instances; a VM's guest runs its own kernel, confined by the VM: remove 'security' or use the sandbox driver");
        }

        if (driver == DriverCatalog.Vm && model.Devices is { Count: > 0 } devices)
        {
            // No device passthrough (VFIO) yet: a guest would boot without the devices it asked for.
            yield return new Diagnostic(Severity.Error, DiagnosticCodes.NotSupportedYet, LocateDevice(resolved, devices[0]),
                $"'devices' ({string.Join(", ", devices)}) are given to sandbox instances only: the VM driver passes no host device through "
                + "to a guest yet, and vse refuses to boot one without what it asked for; use the sandbox driver or remove 'devices'");
        }

        if (driver == DriverCatalog.Vm && model.Gpus is { } gpus)
        {
            yield return new Diagnostic(Severity.Error, DiagnosticCodes.NotSupportedYet, LocateGpus(resolved),
                $"'gpus: {gpus}' is given to sandbox instances only: the VM driver passes no GPU through to a guest yet; use the sandbox driver or remove 'gpus'");
        }

        if (driver == DriverCatalog.Vm && model.HostMpi)
        {
            // A guest has its own root file system and kernel: there is no host library to bind into it.
            yield return new Diagnostic(Severity.Error, DiagnosticCodes.NotSupportedYet, LocateMpi(resolved),
                "'mpi: host' binds the host's MPI libraries into sandbox instances; a VM's guest has its own file system, into which vse binds no host library: use the sandbox driver or 'mpi: image'");
        }
    }

    /// <summary>Where <c>mpi</c> was written, for a diagnostic about it.</summary>
    public static SourceLocation LocateMpi(ResolvedDescription resolved) =>
        resolved.Provenance.LastWrite("mpi")?.Location ?? SourceLocation.StartOf(resolved.Layers[^1].File);

    /// <summary>Where <c>gpus</c> was written, for a diagnostic about it.</summary>
    public static SourceLocation LocateGpus(ResolvedDescription resolved) =>
        resolved.Provenance.LastWrite("gpus")?.Location ?? SourceLocation.StartOf(resolved.Layers[^1].File);

    /// <summary>Where a device was written, for a diagnostic about it.</summary>
    public static SourceLocation LocateDevice(ResolvedDescription resolved, string device) =>
        resolved.Provenance.LastWrite(ValuePath.Member("devices", device))?.Location
            ?? resolved.Provenance.PathsUnder("devices").Select(p => resolved.Provenance.LastWrite(p)?.Location).OfType<SourceLocation>().FirstOrDefault()
            ?? SourceLocation.StartOf(resolved.Layers[^1].File);
}
