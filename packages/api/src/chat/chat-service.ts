import { randomBytes, randomUUID } from 'node:crypto';
import { checkMessages, createStreamRedactor } from '@bastion/guardrails';
import { allowedCollection } from '../auth/collections.ts';
import type { Actor } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { Passage, Retriever } from '../rag/retriever.ts';
import type { ChatInput } from './input.ts';
import type { ChatLimiter, Release } from './limits.ts';
import type { ChatMetrics } from './metrics.ts';
import { PassageScanner } from './passage-scan.ts';
import { buildPrompt } from './prompt.ts';
import { NoProviderError, type ProviderChain, StreamBrokenError } from './provider-chain.ts';
import { ProviderAborted } from './providers/failure.ts';
import { ChatRun, type ChatRuns, parseEventId } from './runs.ts';
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

/**
 * Whose runs and limits a call uses: the key, else the anonymous caller identity the host set
 * (a session or the client address). Without either, the caller shares one anonymous bucket.
 */
export function callerOf(actor: Actor): string {
  if (actor.keyId) return `key:${actor.keyId}`;
  return actor.callerId ? `anon:${actor.callerId}` : 'anon';
}

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
  private readonly passageScanner = new PassageScanner();

  constructor(options: ChatServiceOptions) {
    this.o = options;
  }

  /**
   * Starts an answer in the background (`chat.start`) and returns its run. It counts against the
   * caller's limits until it ends, and it lives on whether or not anyone watches: a run nobody
   * watches is stopped after the resume grace.
   */
  async start(input: ChatInput, actor: Actor): Promise<ChatRun> {
    allowedCollection({ actor }, input.collection);
    const owner = callerOf(actor);
    const release = await this.o.limiter.startAnswer(owner);
    const run = new ChatRun(randomUUID(), owner);
    if (!this.o.runs.add(run)) {
      release();
      throw new DomainError('server_busy', 'Too many answers in progress; retry shortly');
    }
    run.awaitViewer(Math.max(this.o.resumeGraceMs, FIRST_VIEWER_MS));
    void (async () => {
      let ended = false;
      try {
        for await (const event of this.answer(input, run.id, run.controller.signal)) {
          run.push(event);
          ended = event.type === 'done' || event.type === 'error';
        }
      } finally {
        // A stopped run still ends with one terminal event, for whoever resumes it later.
        if (!ended) {
          run.push({
            type: 'error',
            code: 'aborted',
            message: 'The answer was stopped (cancelled, or nobody was watching it)',
            retryable: true,
          });
        }
        release();
        run.finish();
      }
    })();
    return run;
  }

  /**
   * The run a viewer asks for and where to pick it up: after `lastEventId` when resuming. Only
   * its owner may watch it; anyone else is told it does not exist.
   */
  view(
    requestId: string,
    lastEventId: string | null | undefined,
    actor: Actor,
  ): { run: ChatRun; from: number } {
    const run = this.o.runs.get(requestId);
    if (!run || run.owner !== callerOf(actor)) {
      throw new DomainError(
        lastEventId ? 'resume_expired' : 'run_not_found',
        lastEventId ? 'That answer can no longer be resumed' : 'No such answer',
      );
    }
    if (!lastEventId) return { run, from: 0 };
    const parsed = parseEventId(lastEventId);
    if (!parsed || parsed.runId !== requestId) {
      throw new DomainError('invalid_input', 'lastEventId does not belong to this answer');
    }
    return { run, from: parsed.seq + 1 };
  }

  /** Holds one of the caller's open-stream slots until the returned release is called. */
  openStream(actor: Actor): Promise<Release> {
    return this.o.limiter.openStream(callerOf(actor));
  }

  /** Stops an answer at once (its owner only); false when there is no such answer of theirs. */
  cancel(requestId: string, actor: Actor): boolean {
    const run = this.o.runs.get(requestId);
    if (!run || run.owner !== callerOf(actor)) return false;
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
    allowedCollection({ actor }, input.collection);
    const release = await this.o.limiter.startAnswer(callerOf(actor));
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
    // Every turn the client sent, assistant turns included: a client can forge one.
    const { mode, allowUnsafe } = this.o.guardrails;
    const verdict = checkMessages(input.messages, { mode, allowUnsafe });
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
        history: input.messages,
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
      const scan = this.passageScanner.scan(p.text);
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
