import { randomBytes, randomUUID } from 'node:crypto';
import { checkMessages, createStreamRedactor } from '@bastion/guardrails';
import { readableCollection } from '../auth/collections.ts';
import type { Actor } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { Passage, Retriever } from '../rag/retriever.ts';
import type { ChatInput } from './input.ts';
import type { ChatLimiter, Release } from './limits.ts';
import type { ChatMetrics } from './metrics.ts';
import { budgetOf, ownerOf, owns } from './owner.ts';
import { buildPrompt, recentHistory } from './prompt.ts';
import { NoProviderError, type ProviderChain, StreamBrokenError } from './provider-chain.ts';
import { ProviderAborted } from './providers/failure.ts';
import { ChatRun, type ChatRuns, parseEventId, type RunHandle } from './runs.ts';
import { ScanCache } from './scan-cache.ts';
import type { SharedRuns } from './shared-runs.ts';
import type {
  ChatCompletion,
  ChatEvent,
  GuardrailsReport,
  ServedBy,
  Source,
  Usage,
} from './types.ts';

export const BLOCKED_MESSAGE =
  "I can't help with that: the request looks like an attempt to override my instructions. Ask me about the knowledge base instead.";

/** A run nobody has watched yet waits at least this long for its first viewer. */
const FIRST_VIEWER_MS = 1_000;

export interface ChatLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ChatServiceOptions {
  chain: ProviderChain;
  retriever: Retriever;
  metrics: ChatMetrics;
  runs: ChatRuns;
  limiter: ChatLimiter;
  guardrails: { mode: 'enforce' | 'log'; allowUnsafe: boolean };
  systemPrompt: string;
  /** Approximate token budget for conversation history in the prompt. */
  historyTokens: number;
  /** Passages retrieved per question. */
  passages: number;
  /** How long an unfinished answer waits for a disconnected client to resume. */
  resumeGraceMs: number;
  log: ChatLogger;
  /** REDIS_URL: runs shared by every replica; absent, runs live in this process only. */
  shared?: SharedRuns | null;
}

const isTerminal = (event: ChatEvent) => event.type === 'done' || event.type === 'error';

/**
 * A re-driven answer without what its viewers already have: the meta event once, the text after
 * the part already sent. The providers Bastion re-drives are deterministic for the same input
 * (the extractive answer, a model at temperature 0 mostly); when the new text does not start
 * with the text already sent, the run ends with a typed error instead of a second version.
 */
export async function* withoutSent(
  events: AsyncIterable<ChatEvent>,
  sent: readonly ChatEvent[],
): AsyncGenerator<ChatEvent> {
  let pending = sent.map((e) => (e.type === 'delta' ? e.text : '')).join('');
  const hadMeta = sent.some((e) => e.type === 'meta');
  const diverged: ChatEvent = {
    type: 'error',
    code: 'stream_error',
    message: 'The answer was interrupted and could not be continued as it began; please retry.',
    retryable: true,
  };
  for await (const event of events) {
    if (event.type === 'meta') {
      if (!hadMeta) yield event;
      continue;
    }
    if (event.type === 'delta' && pending) {
      const n = Math.min(pending.length, event.text.length);
      if (event.text.slice(0, n) !== pending.slice(0, n)) {
        yield diverged;
        return;
      }
      pending = pending.slice(n);
      if (event.text.length > n) yield { type: 'delta', text: event.text.slice(n) };
      continue;
    }
    if (event.type === 'done' && pending) {
      yield diverged;
      return;
    }
    yield event;
  }
}

function toSource(p: Passage): Source {
  return {
    id: p.id,
    title: p.title,
    path: p.path,
    ...(p.url ? { url: p.url } : {}),
    snippet: p.snippet,
  };
}

/** The chat pipeline: guardrails → retrieval → prompt → provider chain → filtered output. */
export class ChatService {
  private readonly o: ChatServiceOptions;
  /** Injection verdicts of retrieved passages and earlier assistant turns, by exact text. */
  private readonly scans = new ScanCache();

  constructor(options: ChatServiceOptions) {
    this.o = options;
    options.shared?.setHooks({ orphaned: (runId) => void this.redrive(runId) });
  }

  /**
   * Starts an answer in the background (`chat.start`) and returns its run. It counts against the
   * caller's limits until it ends, and it lives on whether or not anyone watches: a run nobody
   * watches is stopped after the resume grace.
   */
  async start(input: ChatInput, actor: Actor): Promise<ChatRun> {
    await readableCollection({ actor }, input.collection, this.o.retriever);
    const owner = ownerOf(actor);
    const release = await this.o.limiter.startAnswer(budgetOf(actor));
    const run = new ChatRun(randomUUID(), owner);
    if (!this.o.runs.add(run)) {
      release();
      throw new DomainError('server_busy', 'Too many answers in progress; retry shortly');
    }
    const firstViewerMs = Math.max(this.o.resumeGraceMs, FIRST_VIEWER_MS);
    const shared = this.o.shared;
    if (shared) {
      try {
        await shared.create(run.id, { owner, input, cancelled: false }, firstViewerMs);
      } catch (error) {
        release();
        run.finish();
        throw error;
      }
      shared.track(run.id, () => run.cancel());
      run.showShared();
    } else {
      run.awaitViewer(firstViewerMs);
    }
    // The pipeline starts once the reply with the run's id is on its way: its synchronous work
    // (guardrails, retrieval) would otherwise hold that reply back, and the client's request for
    // the stream can travel while it runs.
    const events = this.answer(input, run.id, run.controller.signal);
    setImmediate(() => this.drive(run, events, release));
    return run;
  }

  /**
   * Pushes an answer's events into its run (and the shared stream), in order, until it ends.
   * A stopped run still ends with one terminal event, for whoever resumes it later.
   */
  private drive(run: ChatRun, events: AsyncIterable<ChatEvent>, release: Release): void {
    const shared = this.o.shared;
    let appended: Promise<void> = Promise.resolve();
    const emit = (event: ChatEvent) => {
      const seq = run.length;
      run.push(event);
      if (!shared) return;
      // Refused when another replica took the run over: this one stops producing, and its
      // viewers here continue from what the other one shares.
      appended = appended
        .then(() => shared.append(run.id, seq, event))
        .then(
          () => run.shared(seq + 1),
          () => {
            run.handOver();
            run.cancel();
          },
        );
    };
    void (async () => {
      let ended = false;
      try {
        for await (const event of events) {
          emit(event);
          ended = isTerminal(event);
        }
      } catch (error) {
        this.o.log.warn({ requestId: run.id, err: (error as Error)?.name }, 'chat run failed');
      } finally {
        if (!ended) {
          emit({
            type: 'error',
            code: 'aborted',
            message: 'The answer was stopped (cancelled, or nobody was watching it)',
            retryable: true,
          });
        }
        release();
        // Shared, the run ends for viewers here once its last event is shared.
        if (shared) await appended;
        run.finish();
        if (shared) await shared.finish(run.id).catch(() => {});
      }
    })();
  }

  /**
   * A viewer found the replica driving `runId` dead: if this replica wins the claim, it answers
   * the same input again and appends only what comes after the events already shared.
   */
  private async redrive(runId: string): Promise<void> {
    const shared = this.o.shared;
    try {
      if (!shared || !(await shared.claim(runId))) return;
      const record = await shared.record(runId);
      if (!record) return;
      const sent = await shared.events(runId);
      const run = new ChatRun(runId, record.owner);
      for (const event of sent) run.push(event);
      run.showShared();
      if (sent.some(isTerminal)) return run.finish();
      this.o.runs.add(run);
      shared.track(runId, () => run.cancel());
      this.o.log.info({ requestId: runId }, 'chat run taken over from a stopped replica');
      const events = record.cancelled
        ? (async function* () {})()
        : withoutSent(this.answer(record.input, runId, run.controller.signal), sent);
      // Counted once already, where it started: the re-drive holds no new slot.
      this.drive(run, events, () => {});
    } catch (error) {
      this.o.log.warn(
        { requestId: runId, err: (error as Error)?.name },
        'chat run takeover failed',
      );
    }
  }

  /**
   * The run a viewer asks for and where to pick it up: after `lastEventId` when resuming. Only
   * its owner may watch it; anyone else is told it does not exist.
   */
  async view(
    requestId: string,
    lastEventId: string | null | undefined,
    actor: Actor,
  ): Promise<{ run: RunHandle; from: number }> {
    const shared = this.o.shared;
    // A run this replica drives (or drove) is served from memory; with shared state, one that
    // was handed over, or another replica's, from the shared stream.
    const found = this.o.runs.get(requestId);
    const local = found && !found.handedOver ? found : undefined;
    const owner = local ? local.owner : (await shared?.record(requestId))?.owner;
    if (!owns(owner, actor)) {
      throw new DomainError(
        lastEventId ? 'resume_expired' : 'run_not_found',
        lastEventId ? 'That answer can no longer be resumed' : 'No such answer',
      );
    }
    const grace = this.o.resumeGraceMs;
    const run = !shared
      ? local!
      : local
        ? shared.drivenHandle(local, grace)
        : shared.handle(requestId, grace);
    if (!lastEventId) return { run, from: 0 };
    const parsed = parseEventId(lastEventId);
    if (!parsed || parsed.runId !== requestId) {
      throw new DomainError('invalid_input', 'lastEventId does not belong to this answer');
    }
    return { run, from: parsed.seq + 1 };
  }

  /** Holds one of the caller's open-stream slots until the returned release is called. */
  openStream(actor: Actor): Promise<Release> {
    return this.o.limiter.openStream(budgetOf(actor));
  }

  /** Stops an answer at once (its owner only); false when there is no such answer of theirs. */
  async cancel(requestId: string, actor: Actor): Promise<boolean> {
    const shared = this.o.shared;
    if (shared) {
      const record = await shared.record(requestId);
      if (!owns(record?.owner, actor)) return false;
      // Every replica hears it; the one driving the run stops the model.
      await shared.cancel(requestId);
      return true;
    }
    const run = this.o.runs.get(requestId);
    if (!run || !owns(run.owner, actor)) return false;
    run.cancel();
    return true;
  }

  get resumeGraceMs(): number {
    return this.o.resumeGraceMs;
  }

  /**
   * One answer's events for a caller that follows it itself (`chat.complete`, the OpenAI-compatible
   * route): counted against the caller's limits like a started run, stopped when `signal` aborts.
   */
  async *stream(input: ChatInput, actor: Actor, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    await readableCollection({ actor }, input.collection, this.o.retriever);
    const release = await this.o.limiter.startAnswer(budgetOf(actor));
    try {
      yield* this.answer(input, randomUUID(), signal);
    } finally {
      release();
    }
  }

  /** Runs the pipeline to completion and returns the whole answer. */
  async complete(input: ChatInput, actor: Actor, signal: AbortSignal): Promise<ChatCompletion> {
    let meta: Extract<ChatEvent, { type: 'meta' }> | undefined;
    let content = '';
    for await (const event of this.stream(input, actor, signal)) {
      if (event.type === 'meta') meta = event;
      else if (event.type === 'delta') content += event.text;
      else if (event.type === 'error') {
        throw new DomainError(event.code, event.message, {
          ...(event.retryAfterMs !== undefined ? { retryAfterMs: event.retryAfterMs } : {}),
        });
      } else if (meta) {
        const { type: _meta, ...rest } = meta;
        return {
          ...rest,
          content,
          finishReason: event.finishReason,
          ...(event.usage ? { usage: event.usage } : {}),
          timings: event.timings,
        };
      }
    }
    throw new DomainError('aborted', 'The request was aborted');
  }

  /** The event stream of one answer: meta, deltas, then done or error. */
  async *answer(
    input: ChatInput,
    requestId: string,
    signal: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    const startedAt = performance.now();
    const elapsed = () => Math.round(performance.now() - startedAt);
    // Every turn the client sent, assistant turns included (a client can forge one), and the
    // turns the prompt keeps joined in order (an instruction split across turns). Texts already
    // read (the same turn or window in an earlier request) are not read again.
    const { mode, allowUnsafe } = this.o.guardrails;
    const history = recentHistory(input.messages, this.o.historyTokens);
    const verdict = checkMessages(input.messages, {
      mode,
      allowUnsafe,
      window: history,
      scan: this.scans.scan,
    });
    const guardrails: GuardrailsReport = { ...verdict, patterns: [...verdict.patterns] };

    if (guardrails.blocked) {
      this.o.metrics.guardrail(true, true);
      this.o.log.warn(
        { requestId, servedBy: 'guardrails', patterns: guardrails.patterns },
        'chat blocked',
      );
      yield {
        type: 'meta',
        requestId,
        servedBy: 'guardrails',
        model: 'guardrails',
        grounded: false,
        sources: [],
        guardrails,
      };
      yield { type: 'delta', text: BLOCKED_MESSAGE };
      const timings = { firstTokenMs: elapsed(), totalMs: elapsed() };
      this.o.metrics.answered('guardrails', 'done', timings.firstTokenMs, timings.totalMs);
      yield { type: 'done', servedBy: 'guardrails', finishReason: 'guardrails', timings };
      return;
    }

    const question = input.messages.at(-1)!.content;
    const passages = await this.retrieve(question, input.collection, signal, requestId, guardrails);
    this.o.metrics.guardrail(guardrails.flagged, false);
    const canary = `BASTION-${randomBytes(12).toString('base64url')}`;
    const request = {
      question,
      passages,
      messages: buildPrompt({
        systemPrompt: this.o.systemPrompt,
        canary,
        passages,
        // The window the guardrails read (keeping it again within the same budget keeps it whole).
        history,
        historyTokens: this.o.historyTokens,
      }),
    };
    const output = createStreamRedactor({ canaries: [canary] });
    const sources = input.includeSources === false ? [] : passages.map(toSource);

    let servedBy: ServedBy | null = null;
    let firstTokenMs = 0;
    let finishReason = 'stop';
    let usage: Usage | undefined;
    try {
      for await (const { provider, chunk } of this.o.chain.stream(request, signal)) {
        if (servedBy === null) {
          servedBy = provider.name;
          firstTokenMs = elapsed();
          yield {
            type: 'meta',
            requestId,
            servedBy,
            model: provider.model,
            grounded: passages.length > 0,
            sources,
            guardrails,
          };
        }
        if (chunk.type === 'finish') {
          finishReason = chunk.finishReason;
          usage = chunk.usage;
          continue;
        }
        const text = output.push(chunk.text);
        if (output.leaked) break;
        if (text) yield { type: 'delta', text };
      }
    } catch (error) {
      if (error instanceof ProviderAborted || signal.aborted) {
        this.finishLog(requestId, servedBy, 'aborted', firstTokenMs, elapsed());
        return;
      }
      const rest = output.flush();
      if (rest && !output.leaked) yield { type: 'delta', text: rest };
      yield this.failure(error, requestId, servedBy, firstTokenMs, elapsed());
      return;
    }
    // The end of the stream may complete a canary: flush before deciding.
    const rest = output.leaked ? '' : output.flush();
    if (output.leaked) {
      this.o.metrics.guardrail(true, false);
      this.finishLog(requestId, servedBy, 'error', firstTokenMs, elapsed());
      yield {
        type: 'error',
        code: 'output_blocked',
        message: 'The answer was stopped because it began to reveal protected instructions.',
        retryable: false,
      };
      return;
    }
    if (rest) yield { type: 'delta', text: rest };
    const timings = { firstTokenMs, totalMs: elapsed() };
    this.finishLog(requestId, servedBy, 'done', timings.firstTokenMs, timings.totalMs);
    yield {
      type: 'done',
      servedBy: servedBy ?? 'extractive',
      finishReason,
      ...(usage ? { usage } : {}),
      timings,
    };
  }

  /** Retrieves passages and drops any that carry instructions aimed at the model. */
  private async retrieve(
    question: string,
    collection: string | undefined,
    signal: AbortSignal,
    requestId: string,
    guardrails: GuardrailsReport,
  ): Promise<Passage[]> {
    let passages: Passage[];
    try {
      passages = await this.o.retriever.retrieve(question, {
        collection,
        k: this.o.passages,
        signal,
      });
    } catch (error) {
      this.o.log.warn(
        { requestId, err: (error as Error).name },
        'retrieval failed; answering ungrounded',
      );
      return [];
    }
    return passages.filter((p) => {
      const scan = this.scans.scan(p.text);
      if (!scan.flagged) return true;
      guardrails.flagged = true;
      guardrails.reason ??= 'indirect_injection_in_context';
      for (const label of scan.patterns)
        if (!guardrails.patterns.includes(label)) guardrails.patterns.push(label);
      return false;
    });
  }

  private failure(
    error: unknown,
    requestId: string,
    servedBy: ServedBy | null,
    firstTokenMs: number,
    totalMs: number,
  ): ChatEvent {
    this.finishLog(requestId, servedBy, 'error', firstTokenMs, totalMs);
    if (error instanceof StreamBrokenError) {
      return {
        type: 'error',
        code: error.cause.reason,
        message: 'The answer was interrupted; please retry.',
        retryable: true,
      };
    }
    if (error instanceof NoProviderError) {
      const retryAfterMs = error.failures.find((f) => f.error.retryAfterMs)?.error.retryAfterMs;
      return {
        type: 'error',
        code: 'no_provider',
        message: 'No model is available to answer right now; please retry shortly.',
        retryable: true,
        ...(retryAfterMs ? { retryAfterMs } : {}),
      };
    }
    this.o.log.warn({ requestId, err: (error as Error)?.name }, 'chat failed');
    return {
      type: 'error',
      code: 'internal',
      message: 'Something went wrong; please retry.',
      retryable: true,
    };
  }

  private finishLog(
    requestId: string,
    servedBy: ServedBy | null,
    outcome: 'done' | 'error' | 'aborted',
    firstTokenMs: number,
    totalMs: number,
  ): void {
    if (servedBy) this.o.metrics.answered(servedBy, outcome, firstTokenMs, totalMs);
    else if (outcome !== 'done') this.o.metrics.unanswered(outcome);
    this.o.log.info({ requestId, servedBy, outcome, firstTokenMs, totalMs }, 'chat finished');
  }
}
