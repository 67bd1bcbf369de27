using Vse.Build.Layers;
using Vse.Description.Model;

namespace Vse.Build.Online;

/// <summary>One online step to run.</summary>
/// <param name="Name">The description's name: the temporary instance is named as a deployment of it would be (<c>NAME-0</c>).</param>
/// <param name="ParentRootfs">The finished layer below the step: the instance's read-only root.</param>
/// <param name="Model">The description's model: services, network, env and driver of the instance.</param>
/// <param name="Command">The step's command, workdir and environment.</param>
/// <param name="Upper">Where the instance's changes are left (an overlay upper directory; must not exist yet).</param>
/// <param name="Scratch">A directory of the step's own for the instance's state, on the file system of <paramref name="Upper"/>.</param>
/// <param name="OnWarning">Told what the user should know about the changes (a VM killed before it synced).</param>
public sealed record OnlineStepRequest(
    string Name, string ParentRootfs, RuntimeModel Model, ImageCommand Command, string Upper, string Scratch, Action<string>? OnOutputLine,
    Action<string>? OnWarning = null);
