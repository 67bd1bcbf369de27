namespace Vse.Cli.Tests;

/// <summary>
/// Issue 17, item 2, end to end: a device site policy allows reaches the instance on both sandbox
/// start paths (<c>vse run</c> through runc and through vse-launch); one the host lacks is one clear line.
/// </summary>
public sealed class DeviceCommandTests
{
    private const string App = "vse: 1\nname: fuser\nos: {base: busybox}\ndevices: [/dev/fuse]\n";

    private const string AllowingPolicy = "vse: 1\npolicy: {allow: {devices: [/dev/fuse, /dev/vse-*]}}\n";

    [SkippableTheory]
    [InlineData("runc")]
    [InlineData("vse-launch")]
    public async Task An_allowed_device_is_in_the_instance_and_opens(string runtime)
    {
        Requirements.Root();
        Skip.IfNot(File.Exists("/dev/fuse"), "this host has no /dev/fuse (modprobe fuse)");
        using var workspace = new Workspace();
        workspace.Write("site/policy.vse.yaml", AllowingPolicy);
        workspace.Write("app.vse.yaml", App);

        var run = await workspace.RunAsync("run", "app.vse.yaml", "--runtime", runtime, "--", "sh", "-c", "stat -c '%F %t:%T' /dev/fuse && (exec 3<>/dev/fuse) && echo opened");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("character special file a:e5\nopened\n", run.Stdout);
    }

    [SkippableFact]
    public async Task A_device_the_host_lacks_is_one_error_line_before_anything_starts()
    {
        Requirements.Root();
        using var workspace = new Workspace();
        workspace.Write("site/policy.vse.yaml", AllowingPolicy);
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\nos: {base: busybox}\ndevices: [/dev/vse-no-such-device]\n");

        var run = await workspace.RunAsync("deploy", "app.vse.yaml");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            "app.vse.yaml:4:11: error: device '/dev/vse-no-such-device' cannot be given to instances: it does not exist on this host [VSE0213]",
            run.Stderr.Trim());
    }
}
