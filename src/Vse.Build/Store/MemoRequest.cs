namespace Vse.Build.Store;

/// <summary>What a build answers (<see cref="BuildMemo.RequestOf"/>), and whether its base changed too recently to be remembered.</summary>
public sealed record MemoRequest(string Text, bool Racy);
