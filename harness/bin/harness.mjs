#!/usr/bin/env node
// Entry point of the `harness` bin: TypeScript runs directly through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv.slice(2));
