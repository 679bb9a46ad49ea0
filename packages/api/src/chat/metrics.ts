import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ServedBy } from './types.ts';

const RESERVOIR = 512;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/** Prometheus metrics for chat plus the small in-memory aggregates the status summary shows. */
export class ChatMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'bastion_chat_requests_total',
    help: 'Chat answers by the provider that served them and their outcome',
    labelNames: ['served_by', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly fallbacks = new Counter({
    name: 'bastion_chat_provider_failures_total',
    help: 'Provider failures that moved a request down the chain, by provider and reason',
    labelNames: ['provider', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly guardrailEvents = new Counter({
    name: 'bastion_guardrails_total',
    help: 'Guardrail decisions on chat requests',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  private readonly firstToken = new Histogram({
    name: 'bastion_chat_first_token_seconds',
    help: 'Time to first token',
    labelNames: ['served_by'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly total = new Histogram({
    name: 'bastion_chat_duration_seconds',
    help: 'Time to the end of the answer',
    labelNames: ['served_by'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly sse = new Gauge({
    name: 'bastion_sse_connections',
    help: 'Open chat subscriptions',
    registers: [this.registry],
  });

  private connections = 0;
  readonly servedBy: Record<ServedBy, number> = {
    primary: 0,
    fallback: 0,
    extractive: 0,
    guardrails: 0,
  };
  readonly guardrails = { flagged: 0, blocked: 0 };
  private readonly latencies = new Map<ServedBy, number[]>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  answered(
    servedBy: ServedBy,
    outcome: 'done' | 'error' | 'aborted',
    firstTokenMs: number,
    totalMs: number,
  ): void {
    this.requests.inc({ served_by: servedBy, outcome });
    this.servedBy[servedBy] += 1;
    if (outcome !== 'done') return;
    this.firstToken.observe({ served_by: servedBy }, firstTokenMs / 1000);
    this.total.observe({ served_by: servedBy }, totalMs / 1000);
    const samples = this.latencies.get(servedBy) ?? [];
    samples.push(totalMs);
    if (samples.length > RESERVOIR) samples.shift();
    this.latencies.set(servedBy, samples);
  }

  unanswered(outcome: 'error' | 'aborted'): void {
    this.requests.inc({ served_by: 'none', outcome });
  }

  providerFailed(provider: string, reason: string): void {
    this.fallbacks.inc({ provider, reason });
  }

  guardrail(flagged: boolean, blocked: boolean): void {
    if (flagged) {
      this.guardrails.flagged += 1;
      this.guardrailEvents.inc({ action: 'flagged' });
    }
    if (blocked) {
      this.guardrails.blocked += 1;
      this.guardrailEvents.inc({ action: 'blocked' });
    }
  }

  connectionOpened(): void {
    this.connections += 1;
    this.sse.set(this.connections);
  }

  connectionClosed(): void {
    this.connections -= 1;
    this.sse.set(this.connections);
  }

  get openConnections(): number {
    return this.connections;
  }

  /** p50/p95 of recent total latencies per provider, ms. */
  latencySummary(): Partial<Record<ServedBy, { p50: number; p95: number }>> {
    const out: Partial<Record<ServedBy, { p50: number; p95: number }>> = {};
    for (const [name, samples] of this.latencies) {
      const sorted = [...samples].sort((a, b) => a - b);
      out[name] = {
        p50: Math.round(percentile(sorted, 50)),
        p95: Math.round(percentile(sorted, 95)),
      };
    }
    return out;
  }
}
