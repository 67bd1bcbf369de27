using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vse.Deploy.Preparation;
using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Runtime.Drivers;

namespace Vse.Deploy.Testing;

/// <summary>
/// Runs a test matrix: each cell is prepared (resolved, policy-checked, built: cached after the
/// first cell of a description), deployed with its driver and instance count, the command run
/// on instance 0 with the cell in its environment, and the deployment cleaned up, unless the
/// cell failed and <c>keepFailed</c> asks for it to be left up. Cells run <c>jobs</c> at a time.
/// </summary>
/// <param name="resolveOptions">The resolve options for a target (the command line's environment).</param>
/// <param name="openWorkspace">Opens the data directory and stores, once per cell.</param>
public sealed class MatrixRunner(Func<string?, ResolveOptions> resolveOptions, Func<CancellationToken, Task<Workspace>> openWorkspace)
{
    /// <summary>The default for <c>--jobs</c>: a cell per core, since every cell's instances and build share them.</summary>
    public static int DefaultJobs => Math.Max(1, Environment.ProcessorCount);

    /// <param name="finished">Told each cell's result as it ends (in any order).</param>
    /// <returns>Every cell's result, in the matrix's order.</returns>
    public async Task<IReadOnlyList<CellResult>> RunAsync(
        TestMatrix matrix, int jobs, bool keepFailed, Action<CellResult>? finished, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var cells = matrix.Cells;
        var results = new CellResult[cells.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, cells.Count),
            new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                results[index] = await RunCellAsync(matrix, cells[index], keepFailed, ct);
                finished?.Invoke(results[index]);
            });
        return results;
    }

    private async Task<CellResult> RunCellAsync(TestMatrix matrix, MatrixCell cell, bool keepFailed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var refusals = new List<Diagnostic>();
        try
        {
            var report = new PreparationReport(d => refusals.AddRange(d.Where(x => x.IsError)), null, _ => { });
            var (prepared, _) = await DeploymentPreparer.PrepareAsync(
                cell.Description, resolveOptions(cell.Target), new DeployRequest(cell.Instances, null, cell.Driver), openWorkspace, report, cancellationToken);
            if (prepared is null)
            {
                return new CellResult(cell, CellOutcome.Error, null, clock.Elapsed, string.Join('\n', refusals.Select(d => d.ToString())));
            }

            var manager = prepared.Workspace.Instances;
            var deployed = await manager.DeployAsync(
                prepared.Configuration, prepared.Model,
                new DeploymentPlan(prepared.Instances, Driver: prepared.Driver, GrantedMounts: prepared.GrantedMounts, HostMpi: prepared.HostMpi), progress: null, cancellationToken);
            var deployment = deployed.Deployment;
            var output = new MemoryStream();
            int exitCode;
            var keep = false;
            try
            {
                var request = new ExecRequest(["/bin/sh", "-c", matrix.Command], CellEnvironment(cell), Stdout: output, Stderr: output);
                exitCode = await manager.ExecAsync(deployment, 0, request, cancellationToken);
                keep = exitCode != 0 && keepFailed;
            }
            finally
            {
                if (!keep)
                {
                    await manager.CleanupAsync(deployment.Id, CancellationToken.None);
                }
            }

            return new CellResult(
                cell, exitCode == 0 ? CellOutcome.Passed : CellOutcome.Failed, exitCode, clock.Elapsed, Encoding.UTF8.GetString(output.ToArray()),
                keep ? deployment.Id : null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One cell's failure to build or deploy is its result, not the end of the run.
            return new CellResult(cell, CellOutcome.Error, null, clock.Elapsed, e.Message);
        }
    }

    /// <summary>What the command learns of its cell, so one script can test every cell.</summary>
    private static Dictionary<string, string> CellEnvironment(MatrixCell cell) => new(StringComparer.Ordinal)
    {
        ["VSE_TEST_DESCRIPTION"] = cell.DescriptionName,
        ["VSE_TEST_TARGET"] = cell.Target ?? "",
        ["VSE_TEST_DRIVER"] = cell.Driver,
        ["VSE_TEST_INSTANCES"] = cell.Instances.ToString(CultureInfo.InvariantCulture),
    };
}
