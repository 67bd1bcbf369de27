namespace Vse.Build.Online;

/// <summary>
/// Runs a build step with <c>online: true</c> in a temporary instance of the configuration built
/// so far (services started, hostname and network as at deploy) and leaves what the instance
/// changed, as an overlay upper directory, where the builder folds it into the step's layer.
/// Defined here and implemented where instances are started (Vse.Deploy), so the build library
/// never depends on deployment: data flows one way.
/// </summary>
public interface IOnlineStepRunner
{
    /// <exception cref="Steps.StepFailedException">The instance did not start, or the command failed.</exception>
    Task RunAsync(OnlineStepRequest request, CancellationToken cancellationToken);
}
