namespace Vse.Runtime.Mpi;

/// <summary><c>mpi: host</c> cannot be met here: no host MPI, none in the image, or another ABI (<see cref="HostMpiGrant.Select"/>).</summary>
/// <param name="code">The diagnostic code that says which (VSE0215, VSE0216, VSE0217).</param>
public sealed class HostMpiRefusedException(string code, string message) : IOException(message)
{
    public string Code { get; } = code;
}
