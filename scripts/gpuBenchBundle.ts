/**
 * `npm run bench:gpu-bundle`: prepares `.cache/gpu-bench/` (ignored by git), everything `npm run bench`
 * needs to run its WebGPU cases on a Linux x86-64 machine with an NVIDIA GPU but without Node, npm or
 * internet access:
 *
 *   bench.mjs                  the benchmark (src/cli/bench.ts) bundled into one file with esbuild
 *   zstd.wasm                  the zstd compressor the bundle loads for Parquet files (section outputs)
 *   dist/linux-x64/dawn.node.xz  Dawn, from the `webgpu` package (WebGPU for Node, over Vulkan)
 *   node.xz                    this machine's Node binary, xz-compressed
 *   debs/                      the Vulkan loader and GL dispatch libraries (Debian packages)
 *   optimizer-golden.json      the PyTorch golden cases, checked on the GPU first (section golden)
 *   torchBaseline.py           the same cases in PyTorch (bench.mjs runs it where python3 has torch)
 *   run.sh                     unpacks all that and runs the benchmark on the GPU (see docs/performance-and-benchmarks.md)
 *
 * On the GPU machine: `sh .cache/gpu-bench/run.sh` (the JSON lands in $OUT/bench-gpu.json when $OUT is
 * set, else on stdout; PyTorch's times and the ratios in its `torch` and `ratios`). Nothing here is needed on a machine that has Node: `npm run bench -- --backends
 * webgpu` does the same there.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const OUT_DIR = path.resolve('.cache/gpu-bench');
const GOLDEN = path.resolve('../shared/reference/optimizer-golden.json');
/** The device guide's loader set (Vulkan, EGL/GLX dispatch), plus X11 client libraries as a fallback. */
const LOADER_DEBS = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];
/**
 * CommonJS modules in the ES module bundle: tfjs calls require(), and @bokuweb/zstd-wasm (Node build) reads
 * `zstd.wasm` from `__dirname`, which an ES module lacks: both are given, `__dirname` being the bundle's
 * folder, where `zstd.wasm` is copied.
 */
const BUNDLE_BANNER = [
  "import { createRequire as __cr } from 'node:module';",
  "import { dirname as __dn } from 'node:path';",
  "import { fileURLToPath as __fu } from 'node:url';",
  'const require = __cr(import.meta.url);',
  'const __dirname = __dn(__fu(import.meta.url));',
].join(' ');
/** The WebAssembly file of the zstd package's Node build (the bundle's `main` entry, dist/common). */
const ZSTD_WASM = 'node_modules/@bokuweb/zstd-wasm/dist/common/zstd.wasm';
const X11_DEBS = ['libx11-6', 'libxext6', 'libxcb1', 'libxau6', 'libxdmcp6', 'libbsd0', 'libmd0'];

async function main(): Promise<void> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error("bench:gpu-bundle carries this machine's Node binary: run it on Linux x86-64");
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(path.join(OUT_DIR, 'dist/linux-x64'), { recursive: true });
  mkdirSync(path.join(OUT_DIR, 'debs'), { recursive: true });

  step('bundling src/cli/bench.ts');
  await build({
    entryPoints: ['src/cli/bench.ts'],
    outfile: path.join(OUT_DIR, 'bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The embedding benchmark's native runtimes stay out: the GPU run asks only for refine, rescore, knn.
    external: ['onnxruntime-node', 'onnxruntime-web', '@huggingface/transformers', 'sharp', 'better-sqlite3'],
    banner: { js: BUNDLE_BANNER },
    logLevel: 'warning',
  });
  // The zstd compressor of the Parquet files (section outputs) reads its WebAssembly from __dirname.
  copyFileSync(ZSTD_WASM, path.join(OUT_DIR, 'zstd.wasm'));

  step('compressing dawn.node and the node binary (xz)');
  xz('node_modules/webgpu/dist/linux-x64/dawn.node', path.join(OUT_DIR, 'dist/linux-x64/dawn.node.xz'));
  xz(process.execPath, path.join(OUT_DIR, 'node.xz'));

  step('downloading the Vulkan/GL loader packages (apt-get download)');
  execFileSync('apt-get', ['download', ...LOADER_DEBS], {
    cwd: path.join(OUT_DIR, 'debs'),
    stdio: 'inherit',
  });
  mkdirSync(path.join(OUT_DIR, 'debs/x11'));
  execFileSync('apt-get', ['download', ...X11_DEBS], {
    cwd: path.join(OUT_DIR, 'debs/x11'),
    stdio: 'inherit',
  });

  if (existsSync(GOLDEN)) copyFileSync(GOLDEN, path.join(OUT_DIR, 'optimizer-golden.json'));
  else step(`warning: ${GOLDEN} is missing: the GPU run will skip the golden check`);
  copyFileSync('scripts/torchBaseline.py', path.join(OUT_DIR, 'torchBaseline.py'));
  writeFileSync(path.join(OUT_DIR, 'run.sh'), RUN_SH, { mode: 0o755 });
  writeFileSync(path.join(OUT_DIR, 'NODE_VERSION'), `${process.version}\n`);
  const total = du(OUT_DIR);
  step(`done: ${OUT_DIR} holds ${(total / 2 ** 20).toFixed(1)} MiB`);
  if (total > 56 * 2 ** 20)
    process.stderr.write('warning: over 56 MiB; with the working tree it may exceed a 64 MiB carry limit\n');
}

function xz(from: string, to: string): void {
  writeFileSync(to, execFileSync('xz', ['-T0', '-6', '-c', from], { maxBuffer: 512 * 2 ** 20 }));
}

function du(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = path.join(dir, e.name);
    return sum + (e.isDirectory() ? du(p) : statSync(p).size);
  }, 0);
}

function step(text: string): void {
  process.stderr.write(`bench:gpu-bundle: ${text}\n`);
}

/** Runs on the GPU machine as root, from any directory. Arguments go to the benchmark. */
const RUN_SH = `#!/bin/sh
# The refinement-explorer benchmark's WebGPU cases on an NVIDIA GPU, in Node through Dawn over Vulkan.
# Made by npm run bench:gpu-bundle. Usage: sh run.sh [bench options]; default: the golden cases, then
# refine, rescore and k-NN on webgpu (the CPU kernel is measured too, on this machine's CPU); then the
# PyTorch baseline on the same GPU where python3 has torch (torchBaseline.py, beside bench.mjs).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gpu-bench
mkdir -p "$WORK"
unxz_to() { # file.xz target: xz if there is one, else Python's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2";
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
[ -x "$WORK/node" ] || { unxz_to "$HERE/node.xz" "$WORK/node"; chmod +x "$WORK/node"; }
mkdir -p "$WORK/dist/linux-x64"
[ -f "$WORK/dist/linux-x64/dawn.node" ] || unxz_to "$HERE/dist/linux-x64/dawn.node.xz" "$WORK/dist/linux-x64/dawn.node"
cp "$HERE/bench.mjs" "$HERE/zstd.wasm" "$HERE/torchBaseline.py" "$WORK/"
# The Vulkan loader and GL dispatch libraries into / (as the device guide says); X11 client libraries only
# where the machine has none, and then beside, not over, the system's.
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in "$HERE"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
if ! ldconfig -p | grep -q libX11.so.6; then
  for f in "$HERE"/debs/x11/*.deb; do dpkg -x "$f" "$WORK/x11"; done
  export LD_LIBRARY_PATH="$WORK/x11/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
if [ -z "$VK_DRIVER_FILES" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true
cd "$WORK"
if [ $# -eq 0 ]; then
  set -- --backends webgpu --sections golden,refine,rescore,knn,pipeline --golden "$HERE/optimizer-golden.json"
fi
if [ -n "$OUT" ]; then
  ./node bench.mjs "$@" > "$OUT/bench-gpu.json"
  echo "bench: wrote $OUT/bench-gpu.json" >&2
  cat "$OUT/bench-gpu.json"
else
  ./node bench.mjs "$@"
fi
`;

await main().catch((e: Error) => {
  process.stderr.write(`bench:gpu-bundle: ${e.message}\n`);
  process.exit(1);
});
