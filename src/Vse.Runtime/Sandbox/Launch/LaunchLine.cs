namespace Vse.Runtime.Sandbox.Launch;

/// <summary>One instance as the launcher reads it (native/vse-launch/README.md).</summary>
/// <param name="NetworkFields">With a fabric: <see cref="LaunchShape.NetworkFields"/>; else empty.</param>
internal sealed record LaunchLine(string Id, string Hostname, string LowerDirectory, string StateDirectory, string NetworkFields)
{
    /// <summary>The line, without its newline: on the launcher's stdin, or its <c>--once</c> argument.</summary>
    public string Text => $"{Id}\t{Hostname}\t{LowerDirectory}\t{StateDirectory}{NetworkFields}";
}
