import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { refusal } from './refusal.ts';

const bash = ['/bin/bash', '/usr/bin/bash'].find((path) => existsSync(path));

/** The program that runs a script, chosen by its extension; others are refused. */
export function interpreterFor(scriptPath: string): string {
  switch (extname(scriptPath).toLowerCase()) {
    case '.sh':
      return bash ?? '/bin/sh';
    case '.js':
    case '.mjs':
    case '.cjs':
    case '.ts':
    case '.mts':
      return process.execPath;
    case '.py':
      return 'python3';
    default:
      throw refusal(
        'unsupported_script',
        'Scripts must end in .sh, .js, .mjs, .cjs, .ts, .mts or .py',
      );
  }
}
