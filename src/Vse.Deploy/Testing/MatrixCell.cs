using System.Globalization;

namespace Vse.Deploy.Testing;

/// <summary>One combination of a test matrix: a description, a target (null: none), a driver and an instance count.</summary>
/// <param name="Description">The description file's full path.</param>
/// <param name="DescriptionName">The description as the matrix names it (relative to the matrix file): what reports show.</param>
public sealed record MatrixCell(string Description, string DescriptionName, string? Target, string Driver, int Instances)
{
    /// <summary>The cell's name in tables and JUnit reports: <c>DESCRIPTION[TARGET] DRIVER xN</c>.</summary>
    public string Name =>
        DescriptionName + (Target is null ? "" : $"[{Target}]") + $" {Driver} x{Instances.ToString(CultureInfo.InvariantCulture)}";
}
