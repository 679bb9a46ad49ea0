import { randomBytes, randomUUID } from 'node:crypto';
import { checkMessages, createStreamRedactor } from '@bastion/guardrails';
import type { Actor } from '../context.ts';
import { apiError } from '../errors.ts';
import type { Passage, Retriever } from '../rag/retriever.ts';
import type { ChatInput } from './input.ts';
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

export interface ChatLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ChatServiceOptions {
  chain: ProviderChain;
  retriever: Retriever;
  metrics: ChatMetrics;
  runs: ChatRuns;
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

  /** Starts producing an answer in the background; subscribers follow the returned run. */
  start(input: ChatInput, actor: Actor): ChatRun {
    const run = new ChatRun(randomUUID(), actor.keyId);
    if (!this.o.runs.add(run)) {
      throw apiError(
        'TOO_MANY_REQUESTS',
        'server_busy',
        'Too many answers in progress; retry shortly',
      );
    }
    void (async () => {
      try {
        for await (const event of this.answer(input, run.id, run.controller.signal))
          run.push(event);
      } finally {
        run.finish();
      }
    })();
    return run;
  }

  /** Finds the run a tracked event id belongs to; only its owner may resume it. */
  resume(lastEventId: string, actor: Actor): { run: ChatRun; from: number } {
    const parsed = parseEventId(lastEventId);
    const run = parsed ? this.o.runs.get(parsed.runId) : undefined;
    if (!parsed || !run || run.ownerKeyId !== actor.keyId) {
      throw apiError('NOT_FOUND', 'resume_expired', 'That answer can no longer be resumed');
    }
    return { run, from: parsed.seq + 1 };
  }

  cancel(requestId: string, actor: Actor): boolean {
    const run = this.o.runs.get(requestId);
    if (!run || run.ownerKeyId !== actor.keyId) return false;
    run.cancel();
    return true;
  }

  get resumeGraceMs(): number {
    return this.o.resumeGraceMs;
  }

  /** Runs the same pipeline to completion and returns the whole answer. */
  async complete(input: ChatInput, signal: AbortSignal): Promise<ChatCompletion> {
    let meta: Extract<ChatEvent, { type: 'meta' }> | undefined;
    let content = '';
    for await (const event of this.answer(input, randomUUID(), signal)) {
      if (event.type === 'meta') meta = event;
      else if (event.type === 'delta') content += event.text;
      else if (event.type === 'error') {
        throw apiError(
          event.code === 'output_blocked' ? 'UNPROCESSABLE_CONTENT' : 'SERVICE_UNAVAILABLE',
          event.code,
          event.message,
        );
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
    throw apiError('CLIENT_CLOSED_REQUEST', 'aborted', 'The request was aborted');
  }

  /** The event stream of one answer: meta, deltas, then done or error. */
  async *answer(
    input: ChatInput,
    requestId: string,
    signal: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    const startedAt = performance.now();
    const elapsed = () => Math.round(performance.now() - startedAt);
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
