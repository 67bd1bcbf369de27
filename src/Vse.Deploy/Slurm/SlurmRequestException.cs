using Vse.Host;

namespace Vse.Deploy.Slurm;

/// <summary>A Slurm request that cannot be met (too many nodes, too much memory, no such partition): exit code 2, before anything is submitted.</summary>
public sealed class SlurmRequestException(string message) : Exception(message), IInputError;
