namespace Vse.Runtime.Host;

/// <summary>CRIU, which sandbox checkpoint/restore needs.</summary>
/// <param name="CheckPassed">Whether <c>criu check</c> passed; null when CRIU is not installed.</param>
/// <param name="Detail">One line: <c>criu check</c>'s conclusion, or how to install it.</param>
public sealed record CriuReport(string? Path, bool? CheckPassed, string Detail);
