namespace Vse.Runtime.Gpus;

/// <summary>A <c>gpus</c> request this host cannot meet (<see cref="GpuGrant.Select"/>).</summary>
public sealed class GpuRequestException(string message) : IOException(message);
