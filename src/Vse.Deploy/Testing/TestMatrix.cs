namespace Vse.Deploy.Testing;

/// <summary>
/// A test matrix (<c>vse test MATRIX.yaml</c>; docs/testing.md): one command run over every
/// combination of descriptions x targets x drivers x instance counts.
/// </summary>
/// <param name="Name">The suite's name (JUnit's testsuite).</param>
/// <param name="Command">Run with <c>/bin/sh -c</c> on instance 0 of each cell's deployment; exit 0 passes the cell.</param>
/// <param name="Targets">Null stands for "no target" (the description as it is).</param>
public sealed record TestMatrix(
    string File, string Name, string Command, IReadOnlyList<(string Path, string Name)> Descriptions, IReadOnlyList<string?> Targets,
    IReadOnlyList<string> Drivers, IReadOnlyList<int> Instances)
{
    /// <summary>Every combination, descriptions outermost, in the file's order.</summary>
    public IReadOnlyList<MatrixCell> Cells =>
    [
        .. from description in Descriptions
           from target in Targets
           from driver in Drivers
           from count in Instances
           select new MatrixCell(description.Path, description.Name, target, driver, count),
    ];
}
