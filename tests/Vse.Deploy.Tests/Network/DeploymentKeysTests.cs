using Vse.Testing;
using Vse.Deploy.Network;

namespace Vse.Deploy.Tests.Network;

public sealed class DeploymentKeysTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vse-keys-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SkippableFact]
    public async Task A_pair_made_once_is_copied_whole_with_the_private_key_readable_by_its_owner_only()
    {
        Requirements.Tool("ssh-keygen");
        var made = Path.Combine(_root, "made");
        Assert.True(await DeploymentKeys.CreateAsync(made, "a1b2c3d4", CancellationToken.None));

        var copy = Path.Combine(_root, "copy");
        Assert.True(DeploymentKeys.CopyTo(made, copy));

        foreach (var name in new[] { DeploymentKeys.PrivateKey, DeploymentKeys.PublicKey, DeploymentKeys.ClientConfig })
        {
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(made, name)), await File.ReadAllTextAsync(Path.Combine(copy, name)));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(copy, DeploymentKeys.PrivateKey)));
        Assert.Contains("vse deployment a1b2c3d4", await File.ReadAllTextAsync(Path.Combine(copy, DeploymentKeys.PublicKey)));
    }

    [Fact]
    public void Where_no_pair_was_made_none_is_copied()
    {
        Assert.False(DeploymentKeys.CopyTo(Path.Combine(_root, "none"), Path.Combine(_root, "copy")));
        Assert.False(Directory.Exists(Path.Combine(_root, "copy")));
    }
}
