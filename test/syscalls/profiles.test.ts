// Every syscall name in Docker's and Podman's default profiles resolves on x86_64, aarch64 and x86, or is absent
// there exactly when libseccomp's CSV says PNR.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isKnownSyscall, multiplexedCall, requireAbi, syscallName, syscallNumber } from '../../src/core/syscalls/index.js';
import { ABI_TABLE, ROOT, readCsv } from './csv.js';

const csv = readCsv();

function profileNames(file: string): string[] {
  const json = JSON.parse(readFileSync(`${ROOT}/test/fixtures/profiles/${file}`, 'utf8')) as { syscalls: { names?: string[] }[] };
  return [...new Set(json.syscalls.flatMap((s) => s.names ?? []))].sort();
}

describe.each(['moby-default.json', 'containers-common-seccomp.json'])('%s', (file) => {
  const names = profileNames(file);

  it('names hundreds of syscalls, all known', () => {
    expect(names.length).toBeGreaterThan(400);
    expect(names.filter((n) => !isKnownSyscall(n))).toEqual([]);
  });

  it.each(['x86_64', 'aarch64', 'x86'])('on %s: present exactly when the CSV has a number', (abiName) => {
    const abi = requireAbi(abiName);
    const [table, offset] = ABI_TABLE[abiName];
    let present = 0;
    for (const n of names) {
      const want = csv.numbers.get(n)?.get(table);
      const nr = syscallNumber(abi, n);
      expect(nr, `${n} on ${abiName}`).toBe(want === undefined ? undefined : want + offset);
      if (nr !== undefined) {
        expect(syscallName(abi, nr)).toBe(n);
        present++;
      }
    }
    expect(present).toBeGreaterThan(250);
  });
});

it("names libseccomp 2.5.4 does not know are known here", () => {
  for (const n of ['mseal', 'listmount', 'statmount', 'getxattrat', 'setxattrat', 'listxattrat', 'removexattrat', 'uretprobe', 'riscv_hwprobe']) {
    expect(isKnownSyscall(n), n).toBe(true);
  }
  expect(syscallNumber('x86_64', 'mseal')).toBe(462);
  expect(syscallNumber('riscv64', 'riscv_hwprobe')).toBe(258);
});

it('on x86 the profiles\' accept/send/recv/semop exist only through socketcall/ipc', () => {
  expect(multiplexedCall('x86', 'accept')?.directNr).toBeUndefined();
  expect(multiplexedCall('x86', 'semop')).toMatchObject({ via: 'ipc', viaNr: 117, sub: 1 });
});
