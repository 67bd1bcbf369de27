namespace Vse.State;

/// <summary>The data directory cannot be determined or created.</summary>
public sealed class VseHomeException : StateException
{
    public VseHomeException(string message)
        : base(message)
    {
    }

    public VseHomeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
