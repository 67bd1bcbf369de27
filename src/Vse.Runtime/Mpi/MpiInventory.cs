namespace Vse.Runtime.Mpi;

/// <summary>The MPI libraries of a host or an image.</summary>
/// <param name="Libraries">The MPI C libraries found, one per soname, in <see cref="MpiAbi.CLibraryNames"/> order.</param>
/// <param name="Files">Every MPI library name found (<see cref="MpiAbi.Roles"/>) and the file it resolves to.</param>
/// <param name="Searched">Where they were looked for, for a message that finds none.</param>
public sealed record MpiInventory(IReadOnlyList<MpiLibrary> Libraries, IReadOnlyDictionary<string, string> Files, string Searched)
{
    public bool IsEmpty => Libraries.Count == 0;
}
