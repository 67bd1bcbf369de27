using Vse.Host.Processes;

namespace Vse.Deploy.Network;

/// <summary>
/// A deployment's own SSH key pair and client configuration (<c>id_ed25519</c>,
/// <c>id_ed25519.pub</c>, <c>ssh_config</c>), bound into every instance of a private network as
/// root's identity, authorized key and config (<see cref="PrivateNetwork.Mounts"/>).
/// </summary>
public static class DeploymentKeys
{
    public const string PrivateKey = "id_ed25519";

    public const string PublicKey = "id_ed25519.pub";

    public const string ClientConfig = "ssh_config";

    /// <summary>Makes the pair in <paramref name="directory"/> when the host has <c>ssh-keygen</c>.</summary>
    /// <returns>Whether there is a pair.</returns>
    public static async Task<bool> CreateAsync(string directory, string deploymentId, CancellationToken cancellationToken)
    {
        if (ExternalTool.Find("ssh-keygen") is not { } keygen)
        {
            return false;
        }

        Directory.CreateDirectory(directory);
        await ExternalTool.RunAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", $"vse deployment {deploymentId}", "-f", Path.Combine(directory, PrivateKey)], cancellationToken);
        // Inside, the instances are the only hosts, and each makes its own host key when it starts (docs/security.md).
        await File.WriteAllTextAsync(Path.Combine(directory, ClientConfig), """
            Host *
              StrictHostKeyChecking no
              UserKnownHostsFile /dev/null
              LogLevel ERROR
            """ + "\n", cancellationToken);
        return true;
    }

    /// <summary>Copies a pair made elsewhere (<see cref="CreateAsync"/>) into <paramref name="directory"/>, keeping the private key's mode 0600.</summary>
    /// <returns>Whether there was a pair to copy.</returns>
    public static bool CopyTo(string source, string directory)
    {
        if (!File.Exists(Path.Combine(source, PrivateKey)))
        {
            return false;
        }

        Directory.CreateDirectory(directory);
        foreach (var name in new[] { PrivateKey, PublicKey, ClientConfig })
        {
            File.Copy(Path.Combine(source, name), Path.Combine(directory, name), overwrite: true);
        }

        File.SetUnixFileMode(Path.Combine(directory, PrivateKey), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return true;
    }
}
