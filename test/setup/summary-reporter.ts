// Prints one plain closing line, `Tests: N passed, N failed, N skipped`, that CI reads, and lists
// skipped tests by name so a skip is never silent.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedNames: string[] = [];
    for (const mod of testModules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
      for (const t of mod.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else {
          skipped++;
          skippedNames.push(`${mod.moduleId.replace(process.cwd() + '/', '')} > ${t.fullName}`);
        }
      }
    }
    if (skippedNames.length > 0) {
      process.stdout.write(`\nSkipped tests (${skippedNames.length}):\n${skippedNames.map((n) => `  - ${n}`).join('\n')}\n`);
    }
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
