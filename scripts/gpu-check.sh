#!/bin/bash
# gpu-check.sh: `gpus: all` on a real NVIDIA GPU (issue 17, item 3). Not part of CI: no GPU here.
#
#   scripts/gpu-check.sh prepare DIR   on this machine: a native-AOT vse with its helpers and a
#                                      Debian root filesystem with python3 as DIR/node.tar
#   scripts/gpu-check.sh run DIR       on the GPU host (the device tool's H200: cgroup v2 only, no
#                                      runc, no package network; docs/devices.md): vse doctor, then
#                                      nvidia-smi and a small CUDA driver-API program in an instance,
#                                      on vse-launch; everything logged to ${OUT:-/tmp}/gpu-check.log
#
# The CUDA program is python3 + ctypes against libcuda.so.1, the host driver's, which vse binds
# into the instance (no nvcc, no CUDA toolkit in the image): cuInit, cuDeviceGetCount,
# cuDeviceGetName, cuMemAlloc/cuMemcpyHtoD/cuMemcpyDtoH of 1 MiB and a comparison.
set -euo pipefail

mode=${1:?usage: gpu-check.sh prepare|run DIR}
dir=$(realpath -m "${2:?usage: gpu-check.sh prepare|run DIR}")
repo=$(cd "$(dirname "$0")/.." && pwd)

write_inputs() {
    cat >"$dir/cuda_check.py" <<'PY'
import ctypes, sys
cuda = ctypes.CDLL("libcuda.so.1")
def check(what, status):
    if status != 0:
        sys.exit(f"{what} failed: CUresult {status}")
check("cuInit", cuda.cuInit(0))
count = ctypes.c_int()
check("cuDeviceGetCount", cuda.cuDeviceGetCount(ctypes.byref(count)))
device = ctypes.c_int()
check("cuDeviceGet", cuda.cuDeviceGet(ctypes.byref(device), 0))
name = ctypes.create_string_buffer(256)
check("cuDeviceGetName", cuda.cuDeviceGetName(name, 256, device))
context = ctypes.c_void_p()
check("cuCtxCreate", cuda.cuCtxCreate_v2(ctypes.byref(context), 0, device))
size = 1 << 20
memory = ctypes.c_uint64()
check("cuMemAlloc", cuda.cuMemAlloc_v2(ctypes.byref(memory), ctypes.c_size_t(size)))
data = (ctypes.c_ubyte * size)(*([7] * size))
back = (ctypes.c_ubyte * size)()
check("cuMemcpyHtoD", cuda.cuMemcpyHtoD_v2(memory, data, ctypes.c_size_t(size)))
check("cuMemcpyDtoH", cuda.cuMemcpyDtoH_v2(back, memory, ctypes.c_size_t(size)))
assert bytes(back) == bytes(data), "device memory round trip differs"
print(f"cuda: {count.value} device(s), device 0 {name.value.decode()}, 1 MiB round trip ok")
PY
}

case "$mode" in
prepare)
    mkdir -p "$dir"
    dotnet publish "$repo/src/Vse.Cli" -c Release -r linux-x64 -o "$dir/vse" -nologo -v quiet
    cp -r "$repo/descriptions" "$dir/vse/" 2>/dev/null || true
    printf 'vse: 1\nname: gpu-node\nos: {base: "debian:bookworm", variant: minbase}\npackages: [python3]\n' >"$dir/node.vse.yaml"
    "$dir/vse/vse" build "$dir/node.vse.yaml" --output "tar:$dir/node.tar"
    write_inputs
    echo "prepared $dir: carry it to the GPU host and run: scripts/gpu-check.sh run $dir"
    ;;
run)
    out=${OUT:-/tmp}
    exec > >(tee "$out/gpu-check.log") 2>&1
    set -x
    uname -r; nvidia-smi -L || true; ls -l /dev/nvidia* /dev/nvidia-caps 2>&1 || true
    # vse's parent cgroup on a v2-only host (docs/host-facts.md; the reference host lacked it).
    mkdir -p /sys/fs/cgroup/vse
    echo "+cpu +memory +pids" >/sys/fs/cgroup/cgroup.subtree_control || true
    echo "+cpu +memory +pids" >/sys/fs/cgroup/vse/cgroup.subtree_control || true
    export VSE_HOME="$dir/home" VSE_SITE_DIR="$dir/site"
    mkdir -p "$VSE_SITE_DIR"
    printf 'vse: 1\npolicy:\n  allow:\n    devices: [/dev/nvidia*, /dev/nvidia-caps/**]\n' >"$VSE_SITE_DIR/policy.vse.yaml"
    write_inputs
    printf 'vse: 1\nname: gpu-check\nos: {base: "tar:%s"}\ngpus: all\nfiles:\n  - {copy: ./cuda_check.py, to: /opt/cuda_check.py}\n' "$dir/node.tar" >"$dir/gpu-check.vse.yaml"
    "$dir/vse/vse" doctor || true
    "$dir/vse/vse" run "$dir/gpu-check.vse.yaml" --runtime vse-launch -- nvidia-smi
    "$dir/vse/vse" run "$dir/gpu-check.vse.yaml" --runtime vse-launch -- sh -c 'ls -l /dev/nvidia* /usr/local/vse-gpu/lib; echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"'
    "$dir/vse/vse" run "$dir/gpu-check.vse.yaml" --runtime vse-launch -- python3 /opt/cuda_check.py
    echo "gpu-check: all passed"
    ;;
*)
    echo "usage: gpu-check.sh prepare|run DIR" >&2
    exit 2
    ;;
esac
