namespace Vse.Build.Bases;

/// <summary><c>scratch</c>: an empty root, for images made entirely of copied files.</summary>
public sealed class ScratchBase : IBaseProvider
{
    public Task<string> IdentityAsync(CancellationToken cancellationToken) => Task.FromResult("scratch");

    public Task CreateAsync(string rootfs, Action<string>? onOutputLine, CancellationToken cancellationToken) => Task.CompletedTask;
}
