using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Model;

namespace Vse.Deploy;

/// <summary>
/// Keys of the language (DESIGN §2) that resolve accepts but no driver applies yet. Deploying a
/// description that uses one is refused: an instance started without the devices it asked for
/// would run, and fail or misbehave later, far from the cause. An input error (exit 2), not an
/// infrastructure one: retrying cannot help, changing the description can.
/// </summary>
public static class UnsupportedKeys
{
    /// <param name="resolved">Where the keys were written, for the error's location.</param>
    /// <param name="model">What <paramref name="resolved"/> asks for (<see cref="RuntimeModel.From"/>).</param>
    public static IEnumerable<Diagnostic> Check(ResolvedDescription resolved, RuntimeModel model)
    {
        if (model.Devices is { Count: > 0 } devices)
        {
            var first = devices[0];
            var location = resolved.Provenance.LastWrite(ValuePath.Member("devices", first))?.Location
                ?? resolved.Provenance.PathsUnder("devices").Select(p => resolved.Provenance.LastWrite(p)?.Location).OfType<SourceLocation>().FirstOrDefault()
                ?? SourceLocation.StartOf(resolved.Layers[^1].File);
            yield return new Diagnostic(Severity.Error, DiagnosticCodes.NotSupportedYet, location,
                $"'devices' ({string.Join(", ", devices)}) is not supported yet: no driver gives an instance host devices, "
                + "and vse refuses to start one without what it asked for; remove 'devices' to deploy");
        }
    }
}
