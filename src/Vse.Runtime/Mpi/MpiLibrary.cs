using System.Globalization;
using System.Text.RegularExpressions;

namespace Vse.Runtime.Mpi;

/// <summary>
/// An MPI C library, of the host or of an image, as its names say what it is: the soname says the
/// family (<see cref="MpiAbi"/>), the versioned file it resolves to (libtool's
/// <c>SONAME.AGE.REVISION</c>, e.g. <c>libmpi.so.40.30.4</c>) says the release.
/// </summary>
/// <param name="Soname">The name programs load it by (<c>libmpich.so.12</c>).</param>
/// <param name="File">The versioned file's path: on the host canonical, in an image the image path.</param>
/// <param name="Version">The numbers after the soname in the file's name (<c>30.4</c>), or null when the file has none.</param>
public sealed partial record MpiLibrary(MpiFamily Family, string Soname, string File, string? Version)
{
    /// <summary>The library a soname and the name of the file it resolves to describe, or null for a soname of no known MPI C library.</summary>
    public static MpiLibrary? Of(string soname, string file)
    {
        ArgumentNullException.ThrowIfNull(soname);
        ArgumentNullException.ThrowIfNull(file);
        if (MpiAbi.FamilyOf(soname) is not { } family)
        {
            return null;
        }

        var name = Path.GetFileName(file);
        var version = name.StartsWith(soname + ".", StringComparison.Ordinal) && VersionPattern().IsMatch(name[(soname.Length + 1)..])
            ? name[(soname.Length + 1)..]
            : null;
        return new MpiLibrary(family, soname, file, version);
    }

    /// <summary>
    /// Open MPI's release series: libtool's age, the first number after the soname
    /// (<c>libmpi.so.40.30.4</c>: 30). Open MPI raises it with each release series and keeps the
    /// soname at 40 from 3.0 on, so it is what tells 4.1 from 4.0 or 5.0. Null when unreadable,
    /// and for the MPICH ABI, which promises one ABI across releases.
    /// </summary>
    public int? Series => Family == MpiFamily.OpenMpi && Version is { } version && int.TryParse(version.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var age) ? age : null;

    public override string ToString() => Family switch
    {
        MpiFamily.Mpich => $"MPICH ABI ({Soname}, {File})",
        _ => $"Open MPI{(Series is { } series ? $" series {Soname}.{series}" : " of unknown release")} ({File})",
    };

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*\z")]
    private static partial Regex VersionPattern();
}
