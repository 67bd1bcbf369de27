#!/usr/bin/env bash
# Installs the system packages vse and its tests use (DESIGN §4). Idempotent; needs root for apt.
set -euo pipefail

packages=(
  bubblewrap    # build steps run inside the image under bwrap (pid/ipc/uts namespaces)
  util-linux    # unshare: a private mount namespace for each build step's overlay
  uidmap        # newuidmap/newgidmap: rootless builds map the user's subordinate ids into the build namespace (unshare --map-users)
  libseccomp2   # vse compiles its seccomp profile with it (build steps, vse-launch instances; runc links it too)
  bsdutils      # tests: script(1) gives `vse exec -t` a terminal
  iproute2      # private networks: the fabric namespace, bridge and veths (ip netns, ip -batch)
  procps        # private networks: sysctl sets the fabric namespace's own IPv6 and bridge-netfilter settings (PrivateNetwork.FabricSysctls)
  openssh-client # private networks: ssh-keygen makes each deployment its own key pair
  mmdebstrap    # debian:SUITE bases
  runc          # sandbox instances (OCI runtime)
  gcc           # native/vse-launch, the bulk launch path (static C, built by test.sh and quickstart.sh)
  libc6-dev     # its headers and static C library
  make
  clang         # tests: the guest agent's frame decoding under libFuzzer (native/vse-agent/fuzz)
  libclang-rt-14-dev # libFuzzer and the sanitizers' runtime for clang
  crun          # sandbox instances where it works (probed; refuses hybrid cgroups here)
  criu          # vse checkpoint/restore (runc calls it); probed with 'criu check': 3.17 fails on 6.x kernels, which vse reports
  busybox-static # the busybox base (else fetched with apt-get download)
  ca-certificates # mmdebstrap and apt over https mirrors
  hyperfine     # bench/: whole-command timings
  bc            # bench/: ratios
  linux-perf    # bench/resolve.sh: CPU time and page faults per run of the native CLI (perf stat)
  tar           # tar and oci exports (GNU tar: --sort=name, --xattrs, --numeric-owner)
  squashfs-tools # squashfs export (mksquashfs); tests read it back with unsquashfs
  e2fsprogs     # ext4 and qcow2 exports (mkfs.ext4 -d); tests read them with debugfs, e2fsck
  qemu-utils    # qcow2 export (qemu-img convert) and VM instances' disk overlays (qemu-img create)
  qemu-system-x86 # the VM driver (TCG where KVM does not work, as here)
  fuse2fs       # online build steps in a VM: the guest's changes disk is read in user space (never by the host kernel's ext4)
  fuse3         # fusermount3 unmounts that read-only fuse2fs mount
  xz-utils      # the VM driver: the kernel's payload in Debian's vmlinuz is xz (lz4, zstd for other kernels)
  lz4
  zstd
  cpio          # tests: read vse's initramfs back with the standard tool, and pack the hand-made one that boots a qcow2 export under plain QEMU
  skopeo        # vse push and docker:// bases speak the OCI distribution protocol through it; tests read the oci export
  umoci         # tests: unpack the oci export into a runtime bundle
  docker-registry # tests: a real OCI distribution registry on loopback for vse push and docker:// bases (started by the tests, never as a service)
  slurm-wlm     # vse submit / deploy --slurm (sbatch, srun, sbcast, sinfo); scripts/slurm-testbed.sh runs slurmctld and slurmd
  munge         # Slurm's authentication (the testbed runs one munged for every node)
  dpkg-dev      # scripts/build-deb.sh: dpkg-shlibdeps names the C library the native vse links; tests/cgroupv2-twin/offline-repo.sh: dpkg-scanpackages indexes the twin site's offline repository
  lammps        # tests and bench/lammps.sh: LAMMPS in.melt natively (lmp, and mpirun through mpi-default-bin), against the same run across instances (examples/apps/lammps)
  libmpich-dev  # tests: the host's MPICH for mpi: host (docs/mpi.md); leaves Open MPI the mpi/mpirun alternative (priority 50 over MPICH's 40 on amd64)
  mpich         # tests: Hydra (mpiexec) of the host's MPICH, the launcher its libmpich.so.12 was built with
  iperf3        # bench/slurm-net.sh: bandwidth across nodes, instance to instance (VXLAN) against node to node (the underlay); bench/veth-mtu.sh: bandwidth over a private network's veths at MTU 1500 and 65535
  strace        # tests: a repeated vse build loads no OpenSSL (BuildMemoCommandTests); bench/oneshot-parts.sh counts fsyncs
  python3       # bench/veth-mtu.sh: 64 KiB request, 8-byte answer round trips (a halo exchange's shape), which iperf3 does not time
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root: sudo $0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: installed ${missing[*]}"
