namespace Vse.Cli;

/// <summary>The exit codes of DESIGN §2.4; scripts rely on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int CommandFailed = 1;
    public const int InvalidInput = 2;
    public const int PolicyViolation = 3;
    public const int InfrastructureFailure = 4;
}
