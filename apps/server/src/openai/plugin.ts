import { Readable } from 'node:stream';
import {
  type ApiDeps,
  type ChatEvent,
  DomainError,
  isDomainError,
  openAIErrorBody,
  reasonOf,
  retryAfterMsOf,
} from '@bastion/api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../plugins/auth.ts';
import { onceClosed } from '../plugins/reply-closed.ts';

import { MODEL_ID, parseCompletionRequest } from './request.ts';
import { ChunkWriter, completionBody } from './response.ts';

export interface OpenAIOptions {
  deps: ApiDeps;
}

/** An OpenAI-style error reply for any failure, mapped from its reason (`Retry-After` when known). */
function sendError(req: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (!isDomainError(error)) req.log.error({ err: error }, 'chat completion failed');
  const reason = isDomainError(error) ? reasonOf(error) : 'internal';
  const message = isDomainError(error) ? (error as Error).message : 'Internal error';
  const retryAfterMs = retryAfterMsOf(error);
  if (retryAfterMs !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  }
  const { status, body } = openAIErrorBody(reason, message);
  return reply.code(status).send(body);
}

/** Aborts when the client goes away before the reply is complete (a closed tab, an SDK abort). */
function abortOnClose(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller;
}

/**
 * The OpenAI-compatible surface (`/v1`, registered inside the scope that carries its guards):
 * `GET /models` and `POST /chat/completions`, streamed or not, over the same chat service as
 * tRPC — guardrails, retrieval, provider chain, redaction and the caller's chat limits.
 */
export const openaiPlugin: FastifyPluginAsync<OpenAIOptions> = async (v1, { deps }) => {
  const created = Math.floor(deps.build.startedAt / 1000);

  v1.get('/models', async () => ({
    object: 'list',
    data: [{ id: MODEL_ID, object: 'model', created, owned_by: 'bastion' }],
  }));

  v1.post('/chat/completions', async (req, reply) => {
    const chat = deps.chat.service;
    const actor = actorOf(req);
    const controller = abortOnClose(reply);
    let request: ReturnType<typeof parseCompletionRequest>;
    try {
      request = parseCompletionRequest(req.body);
    } catch (error) {
      return sendError(req, reply, error);
    }
    const now = Math.floor(Date.now() / 1000);

    if (!request.stream) {
      try {
        return completionBody(await chat.complete(request.input, actor, controller.signal), now);
      } catch (error) {
        return sendError(req, reply, error);
      }
    }

    // Everything that can refuse (limits, guards, every provider failing before a token) happens
    // before the first event, so it is still an HTTP error the SDK raises, not a broken stream.
    const events = chat.stream(request.input, actor, controller.signal);
    let first: IteratorResult<ChatEvent>;
    let releaseStream: () => void = () => {};
    try {
      releaseStream = await chat.openStream(actor);
      first = await events.next();
      if (!first.done && first.value.type === 'error') {
        const { code, message, retryAfterMs } = first.value;
        throw new DomainError(code, message, retryAfterMs !== undefined ? { retryAfterMs } : {});
      }
    } catch (error) {
      releaseStream();
      await events.return(undefined);
      return sendError(req, reply, error);
    }
    if (first.done) {
      // Only an abort ends an answer without an event: the client is gone.
      releaseStream();
      return reply;
    }
    const opening = first.value;
    const writer = new ChunkWriter(
      opening.type === 'meta' ? opening.requestId : req.id,
      now,
      request.includeUsage,
    );
    deps.chat.metrics.connectionOpened();
    // The slot is the connection's: held until the reply is closed (its bytes handed to the
    // socket, or the client gone), not only while the answer is produced.
    onceClosed(reply.raw, releaseStream);
    // Runs once, when the answer ends or the client leaves (even before the body started).
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      controller.abort();
      deps.chat.metrics.connectionClosed();
      void events.return(undefined);
    };
    reply.raw.once('close', close);
    async function* frames(): AsyncGenerator<string> {
      try {
        yield writer.frames(opening);
        for await (const event of events) yield writer.frames(event);
      } finally {
        close();
      }
    }
    return reply
      .type('text/event-stream; charset=utf-8')
      .header('x-accel-buffering', 'no')
      .send(Readable.from(frames(), { objectMode: false }));
  });
};
