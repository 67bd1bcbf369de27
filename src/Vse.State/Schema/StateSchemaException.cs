namespace Vse.State.Schema;

/// <summary>The database cannot be brought to the schema this vse understands (newer database, failed migration).</summary>
public sealed class StateSchemaException : StateException
{
    public StateSchemaException(string message)
        : base(message)
    {
    }

    public StateSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
