namespace Vse.Runtime.Drivers;

/// <summary>A program and its arguments that the calling process is to become (<c>execv</c>), handing it the rest of its life.</summary>
public sealed record ProcessHandoff(string Program, IReadOnlyList<string> Arguments);
