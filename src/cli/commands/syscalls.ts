import type { Command } from 'commander';

// Placeholder until the command lands (being written in this session).
export function register(_program: Command): void {}
