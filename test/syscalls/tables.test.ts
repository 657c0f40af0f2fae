import { describe, expect, it } from 'vitest';
import {
  ABIS,
  allSyscallNames,
  maxSyscallNumber,
  syscallEntries,
  syscallName,
  syscallNumber,
  syscallSince,
} from '../../src/core/syscalls/index.js';
import { readFileSync } from 'node:fs';
import { ABI_TABLE, ROOT, readCsv } from './csv.js';

const csv = readCsv();

describe('syscall numbers', () => {
  it('spot checks on several ABIs (numbers as the filter sees them)', () => {
    expect(syscallNumber('x86_64', 'read')).toBe(0);
    expect(syscallNumber('x86_64', 'fchmodat2')).toBe(452);
    expect(syscallNumber('x86_64', 'file_setattr')).toBe(469);
    expect(syscallNumber('x86', 'socketcall')).toBe(102);
    expect(syscallNumber('x86', 'socket')).toBe(359);
    expect(syscallNumber('x32', 'read')).toBe(0x40000000);
    expect(syscallNumber('x32', 'execve')).toBe(0x40000000 + 520); // x32's own execve entry
    expect(syscallNumber('x32', 'fchmodat2')).toBe(0x40000000 + 452);
    expect(syscallNumber('aarch64', 'openat')).toBe(56);
    expect(syscallNumber('aarch64', 'open')).toBeUndefined();
    expect(syscallNumber('arm', 'set_tls')).toBe(0xf0005);
    expect(syscallNumber('mips', 'read')).toBe(4003);
    expect(syscallNumber('mipsel64', 'read')).toBe(5000);
    expect(syscallNumber('mipsel64n32', 'read')).toBe(6000);
    expect(syscallNumber('s390x', 'socket')).toBe(359);
    expect(syscallNumber('ppc64le', 'socketcall')).toBe(102);
    expect(syscallNumber('riscv64', 'riscv_hwprobe')).toBe(258);
    expect(syscallName('x86_64', 452)).toBe('fchmodat2');
    expect(syscallName('x32', 0x40000000 + 520)).toBe('execve');
    expect(syscallName('x32', 520)).toBeUndefined();
    expect(syscallName('x86_64', 100000)).toBeUndefined();
  });

  it('every ABI agrees with the CSV for every name, in both directions', () => {
    let checked = 0;
    for (const abi of ABIS) {
      const [table, offset] = ABI_TABLE[abi.name];
      expect(abi.table).toBe(table);
      expect(abi.nrOffset).toBe(offset);
      for (const [name, row] of csv.numbers) {
        const n = row.get(table);
        const want = n === undefined ? undefined : n + offset;
        expect(syscallNumber(abi, name), `${name} on ${abi.name}`).toBe(want);
        if (want !== undefined) expect(syscallName(abi, want)).toBe(name);
        checked++;
      }
      const count = [...csv.numbers.values()].filter((r) => r.get(table) !== undefined).length;
      expect(syscallEntries(abi)).toHaveLength(count);
    }
    expect(checked).toBe(23 * csv.numbers.size);
  });

  it('entries are sorted by number and maxSyscallNumber is the last', () => {
    for (const abi of ABIS) {
      const e = syscallEntries(abi);
      for (let i = 1; i < e.length; i++) expect(e[i].nr).toBeGreaterThan(e[i - 1].nr);
      expect(maxSyscallNumber(abi)).toBe(e[e.length - 1].nr);
    }
    // The CSV (7.1-rc4) goes past the running 6.18 kernel, which ends at 469 (file_setattr).
    expect(maxSyscallNumber('x86_64')).toBe(471);
    expect(syscallName('x86_64', 470)).toBe('listns');
    expect(maxSyscallNumber('arm')).toBe(0xf0006); // ARM private calls
  });

  it('allSyscallNames is the sorted union of the CSV names', () => {
    const names = allSyscallNames();
    expect([...names]).toEqual([...csv.numbers.keys()].sort());
    expect(names).toContain('mseal');
    expect(names).toContain('listmount');
  });

  it('accepts ABI names and aliases as strings and rejects unknown ones', () => {
    expect(syscallNumber('amd64', 'read')).toBe(0);
    expect(syscallNumber('SCMP_ARCH_AARCH64', 'read')).toBe(63);
    expect(() => syscallNumber('vax', 'read')).toThrow(/unknown architecture/);
  });
});

describe('kernel versions', () => {
  it('known examples', () => {
    expect(syscallSince('x86_64', 'fchmodat2')).toBe('6.6');
    expect(syscallSince('x86_64', 'clone3')).toBe('5.3');
    expect(syscallSince('x86_64', 'openat2')).toBe('5.6');
    expect(syscallSince('x86_64', 'mseal')).toBe('6.10');
    expect(syscallSince('x86_64', 'uretprobe')).toBe('6.11');
    expect(syscallSince('x86_64', 'read')).toBe('3.0'); // the floor: 3.0 or earlier
    expect(syscallSince('m68k', 'clone3')).toBe('5.6');
    expect(syscallSince('s390x', 'memfd_secret')).toBe('6.4');
    // From data/syscalls/kver-supplement.csv.
    expect(syscallSince('x86_64', 'file_setattr')).toBe('6.17');
    expect(syscallSince('x86_64', 'uprobe')).toBe('6.18');
    expect(syscallSince('x86_64', 'listns')).toBe('6.19');
    expect(syscallSince('x32', 'listns')).toBe('6.19');
  });

  it('leaves distrusted or unknown versions undefined', () => {
    for (const abi of ['aarch64', 'loongarch64', 'riscv64']) {
      expect(syscallEntries(abi).filter((e) => e.since !== undefined), abi).toEqual([]);
    }
    expect(syscallSince('x86', 'socket')).toBeUndefined(); // the PR's 3.10 is wrong (4.3)
    expect(syscallSince('x86_64', 'rseq_slice_yield')).toBeUndefined();
    expect(syscallSince('x86_64', 'socketcall')).toBeUndefined(); // not on x86_64 at all
  });

  it('every version comes from the PR #457 file (same number) or the supplement', () => {
    const pr = readCsv('data/syscalls/libseccomp-pr457-kver.csv');
    const supplement = new Map<string, string>();
    for (const line of readFileSync(`${ROOT}/data/syscalls/kver-supplement.csv`, 'utf8').split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const [name, table, since] = line.split(',');
      supplement.set(`${name}/${table}`, since);
    }
    let fromPr = 0;
    for (const abi of ABIS) {
      const [table] = ABI_TABLE[abi.name];
      for (const e of syscallEntries(abi)) {
        const sup = supplement.get(`${e.name}/${table}`);
        if (sup !== undefined) {
          expect(e.since).toBe(sup);
          continue;
        }
        if (e.since === undefined) continue;
        expect(pr.numbers.get(e.name)?.get(table), `${e.name} on ${table}`).toBe(e.nr - abi.nrOffset);
        expect(pr.versions.get(e.name)?.get(table)).toBe(e.since);
        fromPr++;
      }
    }
    expect(fromPr).toBeGreaterThan(5000);
  });
});
