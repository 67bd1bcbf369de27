namespace Vse.Deploy.Slurm;

/// <summary>A Slurm command printed something vse cannot read (a different Slurm, a broken installation): exit code 4.</summary>
public sealed class SlurmOutputException(string message) : Exception(message);
