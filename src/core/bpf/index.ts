export * from './opcodes.js';
export * from './instruction.js';
export * from './actions.js';
export * from './codec.js';
export * from './emulate.js';
export * from './verify.js';
export * from './cache.js';
export * from './disasm.js';
export * from './asm.js';
export {
  FlowWalker, INITIAL_STATE, analyzeFlow, joinStates, layoutTargets, transfer as flowTransfer,
  type ArchFact, type FlowState, type Transfer as FlowTransfer, type WordFact, type X32Fact,
} from './flow.js';
export {
  dataFieldName, dataFieldOffset, labelSyscall, pathAbis, resolveSyscallOnPath, syscallCandidates,
  type SyscallLabel, type SyscallResolution,
} from './symbols.js';
export { auditArchConstantName, auditArchConstantValue } from './audit-arch.js';
