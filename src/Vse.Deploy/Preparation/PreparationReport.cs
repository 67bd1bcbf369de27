using Vse.Build;
using Vse.Description.Diagnostics;

namespace Vse.Deploy.Preparation;

/// <summary>
/// Where <see cref="DeploymentPreparer"/> says what it finds as it goes (the library prints
/// nothing; the command line turns these into lines on stderr).
/// </summary>
/// <param name="Diagnostics">Each batch of diagnostics as soon as it is known: the resolve's, the policy re-check's, the mount grant's.</param>
/// <param name="Build">The build's step events.</param>
/// <param name="Warning">Something preparation goes on without (a site store it does not trust).</param>
public sealed record PreparationReport(Action<IReadOnlyList<Diagnostic>> Diagnostics, IProgress<BuildEvent>? Build, Action<string> Warning);
