namespace Vse.Deploy.Online;

/// <summary>What <c>vse commit</c> made: the description's text, and the captured layer archive it names (written already), if any.</summary>
public sealed record CommittedDescription(string Text, string? LayerArchive);
