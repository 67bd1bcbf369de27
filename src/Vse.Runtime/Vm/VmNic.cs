namespace Vse.Runtime.Vm;

/// <summary>
/// A VM's network card on its deployment's private network: a tap device on the fabric's
/// bridge, which QEMU opens from inside the fabric's namespace (QEMU runs there; its sockets
/// are files and do not care).
/// </summary>
/// <param name="Namespace">The fabric's network namespace file (<c>/run/netns/vse-DEPLOYMENT</c>).</param>
/// <param name="Tap">The tap device's name in the fabric.</param>
/// <param name="Mac">The card's address, made from the instance's IPv4 address so it is unique on the fabric.</param>
internal sealed record VmNic(string Namespace, string Tap, string Mac);
