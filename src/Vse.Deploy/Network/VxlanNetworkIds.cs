using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Vse.Deploy.Network;

/// <summary>
/// Chooses the VXLAN network identifier (VNI) of a deployment across hosts: 24 bits of the SHA-256
/// of its whole id, so that ids sharing a prefix do not share a VNI, moved on to the next free one
/// when a deployment this submit host still knows has it (docs/slurm.md). The choice is made once,
/// by <c>vse submit</c>, and written into the job file: every node uses the same VNI without
/// deriving it. Clashes the submit host cannot see (another user's deployment on a node) the node's
/// kernel refuses (<see cref="VxlanOverlay.JoinAsync"/>), so two deployments never share a fabric.
/// </summary>
public static class VxlanNetworkIds
{
    /// <summary>The highest VNI (24 bits); 0 is not used.</summary>
    public const int Max = 0xFF_FFFF;

    /// <summary>The VNI <paramref name="deploymentId"/> takes when no other deployment has it: 1 to <see cref="Max"/>.</summary>
    public static int Preferred(string deploymentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(deploymentId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(deploymentId));
        var vni = (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) >> 8);
        return vni == 0 ? 1 : vni;
    }

    /// <summary>
    /// <see cref="Preferred"/>, or when <paramref name="taken"/> holds it, the next VNI up (after
    /// <see cref="Max"/> comes 1) that <paramref name="taken"/> does not hold.
    /// </summary>
    /// <exception cref="InvalidOperationException">Every VNI is taken.</exception>
    public static int Choose(string deploymentId, IReadOnlySet<int> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var vni = Preferred(deploymentId);
        for (var tried = 0; tried < Max; tried++)
        {
            if (!taken.Contains(vni))
            {
                return vni;
            }

            vni = vni == Max ? 1 : vni + 1;
        }

        throw new InvalidOperationException($"every VXLAN network identifier (1 to {Max}) is taken by a deployment of this submit host");
    }
}
