namespace Vse.Description.Layers;

/// <summary>The variables a string may use: <c>${env.NAME}</c>, <c>${vse.name}</c>, <c>${vse.target}</c>.</summary>
/// <param name="Name">The name of the description being resolved (its last layer), whichever layer the string is in.</param>
/// <param name="Target">The chosen target, or empty.</param>
public sealed record InterpolationContext(string Name, string Target, IReadOnlyDictionary<string, string> Environment);
