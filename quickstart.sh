#!/usr/bin/env bash
# The main job on a fresh machine: build vse, then resolve and explain the example hierarchy
# (a vendor base, a site base with policy and targets, and applications derived from it).
set -euo pipefail
cd "$(dirname "$0")"
repo=$PWD

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ "$(id -u)" -eq 0 ]; then
  step "Installing the tools vse drives (scripts/install-deps.sh)"
  scripts/install-deps.sh
fi

step "Building vse"
dotnet build src/Vse.Cli -c Release -v quiet -nologo | grep -v '^\s*$' | tail -n 2
vse="$repo/src/Vse.Cli/bin/Release/net10.0/vse"

# Site policy counts only in files the user cannot change (DESIGN §2.3). A clone is yours to
# edit, so install the example site directory read-only, as an administrator would /etc/vse.
site=$(mktemp -d -t vse-site-XXXXXX)
trap 'chmod -R u+w "$site"; rm -rf "$site"' EXIT
cp -r examples/site/. "$site/"
# The site-wide policy file binds every description, whatever it extends (docs/description-language.md §10.9).
cp examples/site-policy/policy.vse.yaml "$site/"
chmod -R a-w "$site"
export VSE_SITE_DIR=$site
export USER=${USER:-$(id -un)}

step "vse validate examples/apps/*/*.vse.yaml  (site directory: $site)"
"$vse" validate examples/apps/*/*.vse.yaml

step "vse resolve examples/apps/mpi-ring/mpi-ring.vse.yaml --target cluster --provenance"
"$vse" resolve examples/apps/mpi-ring/mpi-ring.vse.yaml --target cluster --provenance

step "vse explain examples/apps/mpi-ring/mpi-ring.vse.yaml deploy --target cluster"
"$vse" explain examples/apps/mpi-ring/mpi-ring.vse.yaml deploy --target cluster

step "Site policy at work: a user tries to unlock the kernel command line"
bad=$(mktemp -d -t vse-user-XXXXXX)
trap 'chmod -R u+w "$site"; rm -rf "$site" "$bad"' EXIT
cat > "$bad/greedy.vse.yaml" <<'YAML'
vse: 1
name: apps/greedy
extends: site/hpc
boot: {cmdline: {mitigations: "off"}}
packages: [telnetd]
resources: {cpus: 512}
YAML
set +e
"$vse" validate "$bad/greedy.vse.yaml"
code=$?
set -e
echo "exit code $code (3: policy violation)"
[ "$code" -eq 3 ]

step "Site-wide policy: a description that extends nothing still cannot mount the host's /etc"
cat > "$bad/loner.vse.yaml" <<'YAML'
vse: 1
name: apps/loner
os: {base: busybox}
mounts: {/host-etc: {source: /etc}}
YAML
set +e
"$vse" validate "$bad/loner.vse.yaml"
code=$?
set -e
echo "exit code $code (3: policy violation)"
[ "$code" -eq 3 ]

# An ordinary user goes on too: builds run in vse's rootless build namespace (docs/build.md),
# instances are rootless; what needs root is skipped below, saying why.
user_mode=$([ "$(id -u)" -eq 0 ] && echo root || echo user)
if [ "$user_mode" = user ]; then
  printf '\nAs an ordinary user (%s): building and running rootless; the steps that need root say so.\n' "$(id -un)"
fi

export VSE_HOME=${VSE_HOME:-$repo/.vse-home}
step "vse build examples/apps/testbed/testbed.vse.yaml --output squashfs:...  (VSE_HOME=$VSE_HOME)"
"$vse" build examples/apps/testbed/testbed.vse.yaml --output "squashfs:$bad/testbed.squashfs"

step "The same build again: every layer is cached"
"$vse" build examples/apps/testbed/testbed.vse.yaml

step "vse images"
"$vse" images

step "vse build examples/apps/hello/hello.vse.yaml, then compare the two environments' lock files"
"$vse" build examples/apps/hello/hello.vse.yaml
"$vse" diff apps/hello apps/testbed

step "vse run examples/apps/hello/hello.vse.yaml: build (cached), start a sandbox instance, run the description's command, clean up"
"$vse" run examples/apps/hello/hello.vse.yaml

if [ "$user_mode" = user ]; then
  step "A virtual cluster as an ordinary user: 4 busybox instances on a private network (--runtime vse-launch)"
  # The fabric is a user and network namespace of the user's own (docs/parallel.md); the runc
  # path refuses a rootless private network, so the bulk launcher starts them.
  cat > "$bad/cluster.vse.yaml" <<'YAML'
vse: 1
name: apps/cluster
extends: site/tiny
network: {mode: private}
YAML
  dep=$("$vse" deploy "$bad/cluster.vse.yaml" --runtime vse-launch --instances 4)
  "$vse" ps
  "$vse" exec "$dep" -- sh -c 'echo "my address: $(grep -w "$(hostname)" /etc/hosts | cut -f1), eth0: $(ip -4 -o addr show eth0 | awk "{print \$4}")"'
  "$vse" cleanup "$dep"
  "$vse" ps
  printf '\nDone as an ordinary user. Not run here, and why:\n'
  printf '  - the VM driver (vse run --driver vm): not covered for ordinary users yet (issue 14, item 2);\n'
  printf '  - apps/mpi-ring (Open MPI over ssh on a private network): root'"'"'s part of the quickstart; a rootless\n'
  printf '    instance maps only you (as root), and sshd'"'"'s privilege separation user is not mapped there.\n'
  exit 0
fi

step "The same description as a virtual machine: vse run --driver vm (QEMU; $("$vse" doctor --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["vm"]["accelerator"].upper())') here)"
# Its own kernel (Debian's, fetched once), vse's initramfs and guest agent, the image as its disk.
"$vse" run --driver vm examples/apps/hello/hello.vse.yaml -- sh -c 'echo "$(cat /etc/motd 2>/dev/null | head -n 1)"; echo "kernel $(uname -r) on $(hostname), $(grep -c ^processor /proc/cpuinfo) vCPU"'

step "A virtual cluster: apps/mpi-ring as 4 sandbox instances on a private network of their own"
# Open MPI, sshd and a compiled MPI program in the image (built once, then cached); every
# instance gets a hostname, /etc/hosts, the hostfile /etc/vse/hostfile and the deployment's SSH key.
dep=$("$vse" deploy examples/apps/mpi-ring/mpi-ring.vse.yaml --instances 4)
"$vse" ps

step "vse exec $dep -- ...: a command on every node at once, output prefixed by hostname"
"$vse" exec "$dep" -- sh -c 'echo "my address: $(grep -w "$(hostname)" /etc/hosts | cut -f1)"'
echo "(--group folds identical output, like dshbak -c:)"
"$vse" exec --group "$dep" -- sh -c 'mpirun --version | head -n 1'

step "vse exec $dep/0 -- mpirun ...: one MPI rank per instance, started over ssh from node 0"
"$vse" exec "$dep/0" -- cat /etc/vse/hostfile
"$vse" exec "$dep/0" -- mpirun --hostfile /etc/vse/hostfile --map-by slot /usr/local/bin/mpi-ring

step "vse cleanup $dep: instances, writable layers, network namespace and veths go away"
"$vse" cleanup "$dep"
"$vse" ps
if ip netns list | grep -q "vse-$dep"; then echo "network namespace vse-$dep left behind" >&2; exit 1; fi
echo "no network namespace or instance of $dep is left"
