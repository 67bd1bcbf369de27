namespace Vse.Description.Model;

/// <summary>One entry of <c>boot.cmdline</c>.</summary>
/// <param name="Enabled">False for <c>false</c> or null: the key is left out (and so is a default with that key).</param>
/// <param name="Value">
/// The value after <c>KEY=</c> (a string, or a number's JSON text), or null for a bare <c>KEY</c> (<c>true</c>).
/// </param>
public sealed record KernelParameter(string Key, bool Enabled, string? Value);
