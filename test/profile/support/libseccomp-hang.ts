// Child process of resolve-libseccomp.test.ts: adds the rules given as JSON to a real libseccomp
// filter one by one, printing progress, so the parent can see where libseccomp stops returning.
import koffi from 'koffi';

const so = koffi.load('libseccomp.so.2');
koffi.struct('scmp_arg_cmp', { arg: 'uint', op: 'int', datum_a: 'uint64', datum_b: 'uint64' });
const init = so.func('void *seccomp_init(uint32_t def_action)');
const resolveName = so.func('int seccomp_syscall_resolve_name(const char *name)');
const add = so.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, scmp_arg_cmp *arg_array)');
const OPS: Record<string, number> = { NE: 1, LT: 2, LE: 3, EQ: 4, GE: 5, GT: 6, MASKED_EQ: 7 };

const rules = JSON.parse(process.argv[2] ?? '[]') as { name: string; action: number; args: { arg: number; op: string; a: string; b?: string }[] }[];
const ctx = init(0x50001);
rules.forEach((r, i) => {
  const cmp = r.args.map((x) => ({ arg: x.arg, op: OPS[x.op], datum_a: BigInt(x.a), datum_b: BigInt(x.b ?? '0') }));
  const rc = add(ctx, r.action, resolveName(r.name), cmp.length, cmp.length ? cmp : null) as number;
  process.stdout.write(`rule ${i} added (${rc})\n`);
});
process.stdout.write('done\n');
