namespace Vse.State;

/// <summary>Base of every failure the state library reports, so the CLI can map them to exit codes in one place.</summary>
public abstract class StateException : Exception
{
    protected StateException(string message)
        : base(message)
    {
    }

    protected StateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
