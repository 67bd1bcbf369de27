using Vse.Build.Reproducible;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Reproducible;

/// <summary>What a step's upper directory loses of the clock's and chance's work before it becomes a layer.</summary>
public sealed class VolatileFilesTests : IDisposable
{
    private readonly TempDirectory upper = new();

    public void Dispose() => upper.Dispose();

    [Fact]
    public void Logs_caches_and_ids_a_step_wrote_are_emptied_keeping_their_mode()
    {
        foreach (var path in VolatileFiles.Emptied)
        {
            upper.WriteFile(path.TrimStart('/'), "2026-12-05 01:26:01 install hello:amd64 <none> 2.10-3\n");
        }

        File.SetUnixFileMode(upper.Combine("var/log/apt/term.log"), (UnixFileMode)0x1A0);

        var changed = VolatileFiles.Normalise(upper.Path, CancellationToken.None);

        Assert.Equal(VolatileFiles.Emptied, changed);
        Assert.All(VolatileFiles.Emptied, path => Assert.Equal(0, new FileInfo(upper.Combine(path.TrimStart('/'))).Length));
        Assert.Equal((UnixFileMode)0x1A0, File.GetUnixFileMode(upper.Combine("var/log/apt/term.log")));
    }

    [Fact]
    public void An_empty_file_and_an_unrelated_one_are_left_as_they_are()
    {
        upper.WriteFile("etc/machine-id", "");
        upper.WriteFile("var/log/app.log", "kept\n");

        Assert.Empty(VolatileFiles.Normalise(upper.Path, CancellationToken.None));
        Assert.Equal("kept\n", File.ReadAllText(upper.Combine("var/log/app.log")));
    }

    [Fact]
    public void A_hard_link_to_a_volatile_file_keeps_its_content()
    {
        var passwd = upper.WriteFile("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
        new Vse.Build.FileSystem.ImageRoot(upper.Path).HardLink("/etc/passwd", "/etc/machine-id");

        Assert.Equal(["/etc/machine-id"], VolatileFiles.Normalise(upper.Path, CancellationToken.None));
        Assert.Equal("root:x:0:0:root:/root:/bin/sh\n", File.ReadAllText(passwd));
        Assert.Equal(0, new FileInfo(upper.Combine("etc/machine-id")).Length);
    }

    [Fact]
    public void A_symlink_on_the_way_or_at_the_end_is_not_followed()
    {
        var outside = new TempDirectory();
        using var _ = outside;
        var log = outside.WriteFile("dpkg.log", "host file\n");
        var machineId = outside.WriteFile("machine-id", "host id\n");
        Directory.CreateDirectory(upper.Combine("var"));
        File.CreateSymbolicLink(upper.Combine("var/log"), outside.Path);
        Directory.CreateDirectory(upper.Combine("etc"));
        File.CreateSymbolicLink(upper.Combine("etc/machine-id"), machineId);

        Assert.Empty(VolatileFiles.Normalise(upper.Path, CancellationToken.None));
        Assert.Equal("host file\n", File.ReadAllText(log));
        Assert.Equal("host id\n", File.ReadAllText(machineId));
    }

    [Fact]
    public void A_regular_dbus_machine_id_becomes_a_link_to_the_systems()
    {
        upper.WriteFile("var/lib/dbus/machine-id", "3f0c2a9e1b7d4e8f9a0b1c2d3e4f5a6b\n");

        Assert.Equal([VolatileFiles.DbusMachineId], VolatileFiles.Normalise(upper.Path, CancellationToken.None));
        Assert.Equal("/etc/machine-id", new FileInfo(upper.Combine("var/lib/dbus/machine-id")).LinkTarget);
        Assert.Equal(NodeType.Symlink, Nodes.TryGetStatus(upper.Combine("var/lib/dbus/machine-id"))!.Type);
    }

    [Fact]
    public void Ssh_host_keys_a_step_made_are_removed_and_the_rest_of_etc_ssh_is_kept()
    {
        foreach (var type in new[] { "rsa", "ecdsa", "ed25519" })
        {
            upper.WriteFile($"etc/ssh/ssh_host_{type}_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n");
            upper.WriteFile($"etc/ssh/ssh_host_{type}_key.pub", $"ssh-{type} AAAA root@vse-build\n");
        }

        upper.WriteFile("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n");
        upper.WriteFile("etc/ssh/ssh_host_notes", "kept: not a key\n");

        var changed = VolatileFiles.Normalise(upper.Path, CancellationToken.None);

        Assert.Equal(
            ["/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ecdsa_key.pub", "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ed25519_key.pub",
             "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_rsa_key.pub"],
            changed);
        Assert.Equal(["ssh_host_notes", "sshd_config"], Directory.GetFiles(upper.Combine("etc/ssh")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Host_keys_behind_a_symlinked_etc_ssh_are_not_followed()
    {
        using var outside = new TempDirectory();
        var key = outside.WriteFile("ssh_host_ed25519_key", "host's key\n");
        Directory.CreateDirectory(upper.Combine("etc"));
        File.CreateSymbolicLink(upper.Combine("etc/ssh"), outside.Path);

        Assert.Empty(VolatileFiles.Normalise(upper.Path, CancellationToken.None));
        Assert.Equal("host's key\n", File.ReadAllText(key));
    }

    [Theory]
    [InlineData("ssh_host_ed25519_key", true)]
    [InlineData("ssh_host_rsa_key.pub", true)]
    [InlineData("ssh_host_ed25519_key-cert.pub", false)]
    [InlineData("ssh_host_notes", false)]
    [InlineData("sshd_config", false)]
    [InlineData("moduli", false)]
    public void Host_key_names_are_the_ones_openssh_makes(string name, bool isKey) =>
        Assert.Equal(isKey, VolatileFiles.IsHostKey(name));

    [Theory]
    [InlineData("/etc/ssh/ssh_host_ed25519_key", true)]
    [InlineData("/etc/ssh/ssh_host_rsa_key.pub", true)]
    [InlineData("/var/log/messages", true)]
    [InlineData("/var/log/dpkg.log", true)]
    [InlineData("/etc/machine-id", true)]
    [InlineData("/var/lib/dbus/machine-id", true)]
    [InlineData("/etc/ssh/sshd_config", false)]
    [InlineData("/root/ssh_host_ed25519_key", false)]
    [InlineData("/etc/ssh/keys/ssh_host_ed25519_key", false)]
    [InlineData("/var/log/messages.1", false)]
    [InlineData("/etc/motd", false)]
    public void What_every_instance_writes_is_the_rules_files_and_nothing_beside_them(string path, bool written) =>
        Assert.Equal(written, VolatileFiles.IsWrittenByEveryInstance(path));

    [Fact]
    public async Task A_sandbox_steps_layer_key_holds_the_rules_revisions_so_older_layers_are_not_reused()
    {
        var step = new Vse.Build.Steps.PackagesStep(["hello"]);

        Assert.Equal("volatile-files-v2 upper-apply-v3", await step.InputDigestAsync(CancellationToken.None));
    }
}
