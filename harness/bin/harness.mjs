#!/usr/bin/env node
// Entry point of the `harness` bin: TypeScript runs directly through tsx's loader.
import { register } from 'tsx/esm/api';
import { runMain } from './run-main.mjs';

register();
const { main } = await import('../cli.ts');
runMain(main, process.argv.slice(2));
