using Vse.Build.Online;
using Vse.Description.Model;

namespace Vse.Build.Steps;

/// <summary>What a step works on.</summary>
/// <param name="ParentRootfs">The finished layer below (null for a base).</param>
/// <param name="Rootfs">The new layer's tree: empty for a base, else a clone of the parent to change.</param>
/// <param name="Scratch">A directory for temporaries on the same filesystem as <paramref name="Rootfs"/>.</param>
/// <param name="Online">What runs <c>online: true</c> steps in an instance; null where the caller cannot start instances.</param>
/// <param name="Name">The description's name (online steps name their instance after it).</param>
/// <param name="Model">The description's model (online steps start their instance from it).</param>
/// <param name="OnWarning">Told what the user should know about the layer (<see cref="BuildEventKind.Warning"/>).</param>
public sealed record StepContext(
    string? ParentRootfs, string Rootfs, string Scratch, Action<string>? OnOutputLine,
    IOnlineStepRunner? Online = null, string Name = "", RuntimeModel? Model = null, Action<string>? OnWarning = null);
