using Vse.Deploy.Testing;
using Vse.Description.Diagnostics;

namespace Vse.Deploy.Tests.Testing;

/// <summary>Test matrix files: what they expand to, and every mistake at its FILE:LINE:COLUMN.</summary>
public sealed class MatrixReaderTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vse-matrix-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private (TestMatrix? Matrix, IReadOnlyList<Diagnostic> Diagnostics) Read(string text)
    {
        File.WriteAllText(Path.Combine(root, "a.vse.yaml"), "vse: 1\nname: a\n");
        var path = Path.Combine(root, "matrix.yaml");
        File.WriteAllText(path, text);
        var diagnostics = new DiagnosticBag();
        return (MatrixReader.Read(path, diagnostics), diagnostics.Items);
    }

    [Fact]
    public void A_matrix_is_every_combination_in_file_order_with_defaults_for_absent_axes()
    {
        var (matrix, diagnostics) = Read("vse-test: 1\ncommand: 'true'\nmatrix:\n  descriptions: [a.vse.yaml]\n  instances: [1, 3]\n");
        Assert.Empty(diagnostics);
        Assert.Equal("matrix", matrix!.Name);
        Assert.Equal(["a.vse.yaml sandbox x1", "a.vse.yaml sandbox x3"], matrix.Cells.Select(c => c.Name));
        Assert.Equal(Path.Combine(root, "a.vse.yaml"), matrix.Cells[0].Description);
        Assert.Null(matrix.Cells[0].Target);
    }

    [Theory]
    [InlineData("name: x\n", 1, 1, "VSE0235")]
    [InlineData("vse-test: 1\ncommand: x\nmatrix:\n  descriptions: [a.vse.yaml]\n  drivers: [sandbox, docker]\n", 5, 22, "VSE0204")]
    [InlineData("vse-test: 1\ncommand: x\nmatrix:\n  descriptions: [a.vse.yaml]\n  instances: [4, 0]\n", 5, 18, "VSE0204")]
    [InlineData("vse-test: 1\ncommand: x\nmatrix:\n  descriptions: [a.vse.yaml]\n  instances: []\n", 5, 14, "VSE0236")]
    [InlineData("vse-test: 1\ncommand: x\nmatrix:\n  descriptions: [a.vse.yaml, b.vse.yaml]\n", 4, 30, "VSE0237")]
    [InlineData("vse-test: 1\ncommand: x\nmatrix:\n  descriptions: [a.vse.yaml]\n  target: [x]\n", 5, 3, "VSE0201")]
    [InlineData("vse-test: 1\nmatrix:\n  descriptions: [a.vse.yaml]\n", 1, 1, "VSE0203")]
    [InlineData("vse-test: 1\ncommand: [a]\nmatrix:\n  descriptions: [a.vse.yaml]\n", 2, 10, "VSE0202")]
    [InlineData("vse-test: 1\ncommand: x\nmatrix:\n  descriptions: [{a: b}]\n", 4, 18, "VSE0202")]
    [InlineData("vse-test: 1\ncommand: x\nmatrix: [a]\n", 3, 9, "VSE0202")]
    public void Each_mistake_is_an_error_at_its_line_and_column(string text, int line, int column, string code)
    {
        var (matrix, diagnostics) = Read(text);
        Assert.Null(matrix);
        var error = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal((code, line, column), (error.Code, error.Location.Line, error.Location.Column));
        Assert.StartsWith(Path.Combine(root, "matrix.yaml") + $":{line}:{column}: error: ", error.ToString());
    }

    [Fact]
    public void The_example_matrix_is_eight_cells_of_4_and_16_instances_on_two_suites_and_both_drivers()
    {
        var directory = AppContext.BaseDirectory;
        while (!Directory.Exists(Path.Combine(directory, "examples", "testing")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new DirectoryNotFoundException("examples/testing");
        }

        var diagnostics = new DiagnosticBag();
        var matrix = MatrixReader.Read(Path.Combine(directory, "examples", "testing", "matrix.yaml"), diagnostics);
        Assert.Empty(diagnostics.Items);
        Assert.Equal(8, matrix!.Cells.Count);
        Assert.Equal(["bookworm", "trixie"], matrix.Targets);
        Assert.Equal(["sandbox", "vm"], matrix.Drivers);
        Assert.Equal([4, 16], matrix.Instances);
    }
}
