import type { ApiDeps } from '../context.ts';

export interface StatusSummary {
  ok: boolean;
  ready: boolean;
  version: string;
  build: string;
  uptimeS: number;
}

export function statusSummary(deps: ApiDeps, now = Date.now()): StatusSummary {
  const ready = deps.isReady();
  return {
    ok: ready,
    ready,
    version: deps.build.version,
    build: deps.build.build,
    uptimeS: Math.max(0, Math.floor((now - deps.build.startedAt) / 1000)),
  };
}
