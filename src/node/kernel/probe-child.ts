/**
 * Code that runs outside the caller's thread, as plain JavaScript source.
 *
 * {@link PROBE_WORKER_SOURCE}: the code that runs inside the probe's worker thread, as plain JavaScript source: a Worker
 * started with `eval: true` needs no file on disk, so this works the same from the TypeScript
 * sources (tests) and from the esbuild bundle. Keep it small and dependency-free.
 *
 * The thread sets no_new_privs on itself and then, per request, installs one filter with
 * seccomp(SECCOMP_SET_MODE_FILTER, 0) (the filter applies to this thread only) and optionally
 * issues syscalls through the stubs (stubs.ts), returning the raw results.
 *
 * workerData: { koffiPath: string, sys64: bigint, sys32: bigint }
 * request:  { id, filter: Uint8Array, len: number, abi?: 'x86_64' | 'x86', nrs?: Uint32Array, args?: BigUint64Array }
 * reply:    { id, rc: number, errno: number, rets?: BigInt64Array }
 */
export const PROBE_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const koffi = require(workerData.koffiPath);
const lib = koffi.load('libc.so.6');
const fprog = koffi.pointer(koffi.struct({ len: 'uint16_t', filter: 'const uint8_t *' }));
const seccomp = lib.func('long syscall(long nr, long op, long flags, const void *prog)');
const prctl = lib.func('int prctl(int op, unsigned long a, unsigned long b, unsigned long c, unsigned long d)');
const sys64 = koffi.decode(workerData.sys64, koffi.proto('int64_t sk_sys64(uint32_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t)'));
const sys32 = koffi.decode(workerData.sys32, koffi.proto('int64_t sk_sys32(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t)'));
const M32 = 0xffffffffn;
const nnp = prctl(38, 1, 0, 0, 0);
parentPort.postMessage({ ready: true, nnp: nnp === 0, errno: nnp === 0 ? 0 : koffi.errno() });
parentPort.on('message', (m) => {
  const rc = Number(seccomp(317, 1, 0, koffi.as({ len: m.len, filter: m.filter }, fprog)));
  if (rc < 0 || !m.nrs) {
    parentPort.postMessage({ id: m.id, rc, errno: rc < 0 ? koffi.errno() : 0 });
    return;
  }
  const n = m.nrs.length, a = m.args, rets = new BigInt64Array(n);
  if (m.abi === 'x86') {
    for (let i = 0; i < n; i++) {
      const o = i * 6;
      rets[i] = BigInt(sys32(m.nrs[i], Number(a[o] & M32), Number(a[o + 1] & M32), Number(a[o + 2] & M32),
        Number(a[o + 3] & M32), Number(a[o + 4] & M32), Number(a[o + 5] & M32)));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const o = i * 6;
      rets[i] = BigInt(sys64(m.nrs[i], a[o], a[o + 1], a[o + 2], a[o + 3], a[o + 4], a[o + 5]));
    }
  }
  parentPort.postMessage({ id: m.id, rc, errno: 0, rets }, [rets.buffer]);
});
`;

/** Ends the process once the main thread (`tid`) is a zombie: it was killed by KILL_THREAD. */
export const WATCHDOG_SOURCE = String.raw`
const fs = require('node:fs');
const { workerData } = require('node:worker_threads');
const exitGroup = require(workerData.koffi).load('libc.so.6').func('long syscall(long nr, long code)');
const nap = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  let state = 'Z';
  try {
    const stat = fs.readFileSync('/proc/self/task/' + workerData.tid + '/stat', 'utf8');
    state = stat[stat.lastIndexOf(')') + 2];
  } catch {}
  if (state === 'Z') exitGroup(231, 78);
  Atomics.wait(nap, 0, 0, 5);
}
`;

export const VERIFY_CHILD_SOURCE = String.raw`
const fs = require('node:fs');
const koffi = require(process.argv[1]);
const lib = koffi.load('libc.so.6');
const fprog = koffi.pointer(koffi.struct({ len: 'uint16_t', filter: 'const uint8_t *' }));
const seccomp = lib.func('long syscall(long nr, long op, long flags, const void *prog)');
const exitGroup = lib.func('long syscall(long nr, long code)');
const prctl = lib.func('int prctl(int op, unsigned long a, unsigned long b, unsigned long c, unsigned long d)');
const mmap = lib.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)');
const page = mmap(null, 4096, 3, 0x22, -1, 0);
new Uint8Array(koffi.view(page, 4096)).set([0x0f, 0x0b]);
lib.func('int mprotect(void *addr, size_t len, int prot)')(page, 4096, 5);
const ud2 = koffi.decode(page, koffi.proto('void sk_ud2(void)'));
const { Worker } = require('node:worker_threads');
const watchdog = new Worker(${JSON.stringify(WATCHDOG_SOURCE)}, { eval: true, workerData: { koffi: process.argv[1], tid: process.pid } });
watchdog.unref();
const progs = JSON.parse(fs.readFileSync(0, 'utf8'));
if (prctl(38, 1, 0, 0, 0) !== 0) { fs.writeSync(1, 'nnp-failed\n'); process.exit(3); }
for (let i = Number(process.argv[2]); i < progs.length; i++) {
  const bytes = Buffer.from(progs[i], 'hex');
  fs.writeSync(1, 't ' + i + '\n');
  const rc = Number(seccomp(317, 1, 0, koffi.as({ len: bytes.length / 8, filter: bytes }, fprog)));
  if (rc < 0) { fs.writeSync(1, 'r ' + i + ' ' + koffi.errno() + '\n'); continue; }
  exitGroup(231, 77);
  ud2();
}
fs.writeSync(1, 'done\n');
`;
