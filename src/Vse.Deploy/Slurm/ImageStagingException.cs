namespace Vse.Deploy.Slurm;

/// <summary>A node cannot get the image it is to run (exit code 4).</summary>
public sealed class ImageStagingException(string message) : Exception(message);
