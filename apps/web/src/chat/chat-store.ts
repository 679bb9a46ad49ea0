import type {
  ChatEvent,
  ChatOutcome,
  ChatRequest,
  GuardrailsReport,
  ServedBy,
  Source,
} from '@bastion/api/client';
import { createStore, produce } from 'solid-js/store';

export interface ChatMessage {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  status: 'streaming' | 'done' | 'error' | 'stopped';
  requestId?: string;
  servedBy?: ServedBy;
  grounded?: boolean;
  sources?: Source[];
  guardrails?: GuardrailsReport;
  error?: { code: string; message: string; retryAfterMs?: number };
}

export type StreamChatFn = (
  request: ChatRequest,
  options: { signal: AbortSignal; onEvent: (event: ChatEvent) => void },
) => Promise<ChatOutcome>;

/** The conversation, kept only in this browser tab. */
export function createChatStore(streamChat: StreamChatFn) {
  const [state, setState] = createStore({ messages: [] as ChatMessage[], busy: false });
  let nextId = 1;
  let controller: AbortController | null = null;

  const update = (id: number, fn: (m: ChatMessage) => void) =>
    setState(
      'messages',
      produce((all) => {
        const message = all.find((m) => m.id === id);
        if (message) fn(message);
      }),
    );

  async function send(text: string): Promise<void> {
    const question = text.trim();
    if (!question || state.busy) return;
    const history = state.messages
      .filter((m) => m.status === 'done' && m.content)
      .map((m) => ({ role: m.role, content: m.content }));
    const assistantId = nextId + 1;
    setState(
      produce((s) => {
        s.busy = true;
        s.messages.push({ id: nextId, role: 'user', content: question, status: 'done' });
        s.messages.push({ id: assistantId, role: 'assistant', content: '', status: 'streaming' });
      }),
    );
    nextId += 2;
    controller = new AbortController();
    const outcome = await streamChat(
      { messages: [...history, { role: 'user', content: question }] },
      {
        signal: controller.signal,
        onEvent: (event) =>
          update(assistantId, (m) => {
            if (event.type === 'meta') {
              // A zero-token fallback replays the answer from scratch: start clean.
              m.content = '';
              m.requestId = event.requestId;
              m.servedBy = event.servedBy;
              m.grounded = event.grounded;
              m.sources = event.sources;
              m.guardrails = event.guardrails;
            } else if (event.type === 'delta') m.content += event.text;
            else if (event.type === 'done') m.servedBy = event.servedBy;
          }),
      },
    );
    update(assistantId, (m) => {
      if (outcome.aborted) m.status = 'stopped';
      else if (outcome.error) {
        m.status = 'error';
        m.error = outcome.error;
      } else m.status = 'done';
    });
    controller = null;
    setState('busy', false);
  }

  function stop(): void {
    controller?.abort();
  }

  /** The answer still being produced, if any (to cancel it when the page goes away). */
  function streamingRequestId(): string | undefined {
    const last = state.messages.at(-1);
    return last?.status === 'streaming' ? last.requestId : undefined;
  }

  return { state, send, stop, streamingRequestId };
}

export type ChatStore = ReturnType<typeof createChatStore>;
