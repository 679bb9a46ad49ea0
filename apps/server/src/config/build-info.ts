import { readFileSync } from 'node:fs';
import type { BuildInfo } from '@bastion/api';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export function buildInfo(startedAt = Date.now()): BuildInfo {
  return {
    version: pkg.version,
    build: process.env.BASTION_BUILD ?? 'dev',
    startedAt,
  };
}
