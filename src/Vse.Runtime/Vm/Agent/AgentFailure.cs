namespace Vse.Runtime.Vm.Agent;

/// <summary>The guest agent refused a request (an <c>F</c> frame): the errno it met and its message.</summary>
/// <param name="Stage">For exec: 1 when changing to the working directory failed, 2 when the program did not start; else 0.</param>
public sealed class AgentFailure(int errno, int stage, string message) : IOException(message)
{
    /// <summary>ENOENT.</summary>
    public const int NoSuchFile = 2;

    public int Errno => errno;

    public int Stage => stage;

    public bool IsCommandNotFound => stage == 2 && errno == NoSuchFile;
}
