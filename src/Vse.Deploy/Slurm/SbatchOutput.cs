using System.Globalization;

namespace Vse.Deploy.Slurm;

/// <summary>What <c>sbatch --parsable</c> prints: <c>JOBID</c> or <c>JOBID;CLUSTER</c> on its first line.</summary>
public static class SbatchOutput
{
    /// <exception cref="SlurmOutputException">No job id where it must be.</exception>
    public static long ParseJobId(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var first = stdout.Split('\n', 2)[0].Trim();
        var id = first.Split(';', 2)[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit)
            || !long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId) || jobId <= 0)
        {
            throw new SlurmOutputException($"sbatch --parsable printed '{first}', not a job id");
        }

        return jobId;
    }
}
