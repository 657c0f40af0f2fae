// `seccomp-kit export`, run as a user would (the CLI bundle is built by the global setup).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/seccomp-kit');
const dir = mkdtempSync(join(tmpdir(), 'sk-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { status: number | null; stdout: Buffer; out: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, out: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// Conditions that resolution decides (archMap, includes, excludes), errnoRet 38 and 0, a uint64
// above 2^63-1 (exact only if written as text) and a defaultErrnoRet (SPO has none).
const PROFILE = file(
  'p.json',
  JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    archMap: [
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    ],
    syscalls: [
      { names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_PTRACE'] } },
      { names: ['mount'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['sync'], action: 'SCMP_ACT_ERRNO', errnoRet: 0 },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
    ],
  }).replace('"value":1,', '"value":18446744073709551615,'),
);
const BIG = '18446744073709551615';
const X86_ABIS = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];

interface Rule {
  names: string[];
  action: string;
  errnoRet?: number;
  includes?: unknown;
  excludes?: unknown;
}

describe('export --to docker / podman', () => {
  it('writes only the applied rules, without includes/excludes/archMap, architectures = the ABIs, errnoRet kept', () => {
    const out = join(dir, 'docker.json');
    const r = run(['export', PROFILE, '--to', 'docker', '--arch', 'amd64', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const doc = JSON.parse(text) as { architectures: string[]; archMap?: unknown; syscalls: Rule[]; defaultErrnoRet: number };
    expect(doc.architectures).toEqual(X86_ABIS);
    expect(doc.archMap).toBeUndefined();
    expect(doc.defaultErrnoRet).toBe(1);
    expect(doc.syscalls.map((s) => s.names)).toEqual([['read', 'write', 'exit_group'], ['mount'], ['sync'], ['personality']]);
    expect(doc.syscalls.find((s) => s.names[0] === 'mount')?.errnoRet).toBe(38);
    expect(doc.syscalls.find((s) => s.names[0] === 'sync')?.errnoRet).toBe(0);
    expect(doc.syscalls.some((s) => s.includes !== undefined || s.excludes !== undefined)).toBe(false);
    expect(text).toContain(BIG);
    expect(r.stderr).toContain(`docker run --security-opt seccomp=${out}`);
  });

  it('follows the capabilities: --cap-add SYS_PTRACE,SYS_ADMIN keeps ptrace and drops the mount rule', () => {
    const r = run(['export', PROFILE, '--to', 'docker', '--arch', 'amd64', '--cap-add', 'SYS_PTRACE', '--cap-add', 'SYS_ADMIN']);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.out) as { syscalls: Rule[] };
    expect(doc.syscalls.map((s) => s.names[0])).toEqual(['read', 'ptrace', 'sync', 'personality']);
    expect(r.stderr).toContain('docker run --security-opt seccomp=FILE');
  });

  it('uses the daemon architecture: arm64 lists AARCH64 and ARM', () => {
    const r = run(['export', PROFILE, '--to', 'docker', '--arch', 'arm64', '--kernel', '6.1']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.out) as { architectures: string[] }).architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  });

  it('podman: the podman dialect and the podman command line', () => {
    const out = join(dir, 'podman.json');
    const r = run(['export', PROFILE, '--to', 'podman', '--arch', 'amd64', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { architectures: string[]; syscalls: Rule[] };
    expect(doc.architectures).toEqual(X86_ABIS);
    expect(doc.syscalls).toHaveLength(4);
    expect(r.stderr).toContain(`podman run --security-opt seccomp=${out}`);
  });
});

const CONFIG = `{
  "ociVersion": "1.0.2",
  "process": {"args": ["sh"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "annotations": {"org.example": "x"},
  "linux": {"namespaces": [{"type": "pid"}], "seccomp": {"defaultAction": "SCMP_ACT_ALLOW"}}
}
`;

describe('export --to oci / crun', () => {
  it('oci: sets linux.seccomp in config.json in place, keeps the other keys, writes uint64 exactly, leaves no temporary file', () => {
    const sub = mkdtempSync(join(dir, 'oci-'));
    const cfg = join(sub, 'config.json');
    writeFileSync(cfg, CONFIG);
    const r = run(['export', PROFILE, '--to', 'oci', '--arch', 'amd64', '--config', cfg]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.out).toBe('');
    const text = readFileSync(cfg, 'utf8');
    const before = JSON.parse(CONFIG) as Record<string, unknown> & { linux: Record<string, unknown> };
    const after = JSON.parse(text) as Record<string, unknown> & { linux: Record<string, unknown> & { seccomp: { architectures: string[]; syscalls: Rule[] } }; annotations: Record<string, string> };
    for (const k of ['ociVersion', 'process', 'root', 'annotations']) expect(after[k]).toEqual(before[k]);
    expect(after.linux.namespaces).toEqual(before.linux.namespaces);
    expect(after.linux.seccomp.architectures).toEqual(X86_ABIS);
    expect(after.linux.seccomp.syscalls.map((s) => s.names[0])).toEqual(['read', 'mount', 'sync', 'personality']);
    expect(text).toContain(`"value": ${BIG}`);
    expect(readdirSync(sub)).toEqual(['config.json']);
    expect(r.stderr).toContain('runc run --bundle');
  });

  it('oci: -o writes elsewhere and leaves --config untouched; no --config is a usage error', () => {
    const cfg = file('cfg-untouched.json', CONFIG);
    const out = join(dir, 'cfg-out.json');
    const r = run(['export', PROFILE, '--to', 'oci', '--arch', 'amd64', '--config', cfg, '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(CONFIG);
    expect(existsSync(out)).toBe(true);
    const bad = run(['export', PROFILE, '--to', 'oci']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--config');
    const notJson = file('cfg-bad.json', '{"linux": ');
    const r2 = run(['export', PROFILE, '--to', 'oci', '--config', notJson]);
    expect(r2.status).toBe(2);
    expect(readFileSync(notJson, 'utf8')).toBe('{"linux": ');
  });

  it("crun: the annotation is base64 of the program `compile --format raw` writes, other annotations kept", () => {
    const cfg = file('crun.json', CONFIG);
    const r = run(['export', PROFILE, '--to', 'crun', '--arch', 'amd64', '--config', cfg]);
    expect(r.status, r.stderr).toBe(0);
    const after = JSON.parse(readFileSync(cfg, 'utf8')) as { annotations: Record<string, string>; linux: { seccomp: { syscalls: Rule[] } } };
    expect(after.annotations['org.example']).toBe('x');
    expect(after.linux.seccomp.syscalls).toHaveLength(4);
    const b64 = after.annotations['run.oci.seccomp_bpf_data'];
    expect(b64).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const compiled = run(['compile', PROFILE, '--daemon-arch', 'amd64', '--runtime', 'crun', '--format', 'raw', '--no-stats']);
    expect(compiled.status, compiled.stderr).toBe(0);
    const fromAnnotation = Buffer.from(b64 ?? '', 'base64');
    expect(fromAnnotation.length % 8).toBe(0);
    expect(fromAnnotation.length).toBeGreaterThan(0);
    expect(fromAnnotation.equals(compiled.stdout)).toBe(true);
    expect(r.stderr).toContain('crun run --bundle');
  });
});

describe('export --to spo', () => {
  it('writes a SeccompProfile and warns about defaultErrnoRet, errnoRet 0 and values above 2^63-1', () => {
    const out = join(dir, 'p.yaml');
    const r = run(['export', PROFILE, '--to', 'spo', '--arch', 'amd64', '--metadata-name', 'my-app', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    const doc = parseYaml(readFileSync(out, 'utf8')) as { apiVersion: string; kind: string; metadata: { name: string }; spec: { architectures: string[]; syscalls: Rule[]; defaultErrnoRet?: unknown } };
    expect(doc.apiVersion).toBe('security-profiles-operator.x-k8s.io/v1');
    expect(doc.kind).toBe('SeccompProfile');
    expect(doc.metadata.name).toBe('my-app');
    expect(doc.spec.architectures).toEqual(X86_ABIS);
    expect(doc.spec.defaultErrnoRet).toBeUndefined();
    expect(doc.spec.syscalls.map((s) => s.names[0])).toEqual(['read', 'mount', 'sync', 'personality']);
    expect(r.stderr).toMatch(/warning: default errno 1 dropped.*\[defaultErrnoRet\]/);
    expect(r.stderr).toMatch(/warning: errnoRet 0 dropped.*\[syscalls\[3\]\.errnoRet\]/);
    expect(r.stderr).toMatch(/warning: value 18446744073709551615 exceeds 2\^63-1/);
    expect(r.stderr).toContain(`kubectl apply -f ${out}`);
  });
});

// A profile that only refuses chmod: bwrap itself and /bin/sh run normally under it.
const NO_CHMOD = file('nochmod.json', JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['chmod', 'fchmod', 'fchmodat', 'fchmodat2'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
const BWRAP = '/usr/bin/bwrap';

describe('export --to bwrap', () => {
  it('writes the compiled program as raw bytes (what compile --format raw writes) and the bwrap command line', () => {
    const out = join(dir, 'nochmod.bpf');
    const r = run(['export', NO_CHMOD, '--to', 'bwrap', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    const compiled = run(['compile', NO_CHMOD, '--format', 'raw', '--no-stats']);
    expect(readFileSync(out).equals(compiled.stdout)).toBe(true);
    expect(r.stderr).toContain(`bwrap --ro-bind / / --dev /dev --seccomp 3 COMMAND 3< ${out}`);
    expect(run(['export', NO_CHMOD, '--to', 'bwrap']).status).toBe(2);
  });

  describe.skipIf(!existsSync(BWRAP))(`under ${BWRAP} (bubblewrap; skipped when it is not installed)`, () => {
    it('bwrap --seccomp 3 with the exported filter: chmod fails with EPERM, the rest works', () => {
      const out = join(dir, 'nochmod-run.bpf');
      expect(run(['export', NO_CHMOD, '--to', 'bwrap', '-o', out]).status).toBe(0);
      const target = join(dir, 'f');
      writeFileSync(target, 'x');
      const bwrap = (script: string) => {
        const fd = openSync(out, 'r');
        try {
          return spawnSync(BWRAP, ['--ro-bind', '/', '/', '--dev', '/dev', '--bind', dir, dir, '--chdir', dir, '--seccomp', '3', '/bin/sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe', fd] });
        } finally {
          closeSync(fd);
        }
      };
      const denied = bwrap('chmod 600 f');
      expect(denied.stderr.toString()).toContain('Operation not permitted');
      expect(denied.status).not.toBe(0);
      const allowed = bwrap('echo ok');
      expect(allowed.stdout.toString()).toBe('ok\n');
      expect(allowed.status).toBe(0);
    });
  });
  if (!existsSync(BWRAP)) console.warn(`export.test: ${BWRAP} is missing (apt-get install bubblewrap): the bwrap run test is skipped`);
});

describe('export usage', () => {
  it('--help lists the targets with examples', () => {
    const r = run(['export', '--help']);
    expect(r.status).toBe(0);
    for (const t of ['docker', 'podman', 'oci', 'crun', 'bwrap', 'spo']) expect(r.out).toContain(`--to ${t}`);
    expect(r.out).toContain('Examples:');
  });

  it('a profile that disables seccomp, or an unwritable output, is an error (exit 2) and writes nothing', () => {
    const off = file('off.json', '{}');
    const r = run(['export', off, '--to', 'docker']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('disables seccomp');
    expect(r.out).toBe('');
    const w = run(['export', PROFILE, '--to', 'docker', '-o', join(dir, 'no-such-dir', 'x.json')]);
    expect(w.status).toBe(2);
    expect(w.stderr).toContain('no such directory');
  });

  it('an unknown target is a usage error', () => {
    const r = run(['export', PROFILE, '--to', 'lxc']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown export target 'lxc'");
  });
});
