namespace Vse.Cli.Tests.Faults;

/// <summary>
/// The description the fault and race tests build and deploy: busybox on a private network (so a
/// kill or a race also lands among the fabric's namespace and interfaces; a subnet no other test
/// uses), and build steps that take a moment each (so kills land inside them). The marker is put
/// in the environment of every step and instance, which is how <see cref="HostResources"/> finds
/// their processes.
/// </summary>
internal static class FaultDescription
{
    /// <param name="privateNetwork">
    /// False for the one-shot <c>vse run</c> path, which a private network would send the long
    /// way (deploy, exec, cleanup).
    /// </param>
    public static string Of(string name, string marker, bool privateNetwork = true) => $$"""
        vse: 1
        name: {{name}}
        os: {base: busybox}
        env: {VSE_FAULT_MARKER: {{marker}}}
        {{(privateNetwork ? "network: {mode: private, subnet: 10.79.0.0/16}" : "network: {mode: none}")}}
        files: [{write: /etc/motd, content: "faults\n"}]
        build:
          - run: "for i in 1 2 3 4 5; do echo $i >> /steps; sleep 0.2; done"
            env: {VSE_FAULT_MARKER: {{marker}}}
          - run: "echo built > /built"
            env: {VSE_FAULT_MARKER: {{marker}}}
        """;
}
