namespace Vse.Runtime.Processes;

/// <summary>The signals vse sends, by their Linux numbers.</summary>
internal enum Signal
{
    Kill = 9,
    Term = 15,
}
