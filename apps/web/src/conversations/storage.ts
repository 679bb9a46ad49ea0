import type { Conversation, SavedState } from './types.ts';

export interface ConversationStorage {
  load: () => SavedState | null;
  save: (state: SavedState) => void;
}

const KEY = 'bastion.conversations.v1';

function isConversation(c: unknown): c is Conversation {
  const v = c as Conversation;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.title === 'string' &&
    Array.isArray(v.messages) &&
    v.messages.every(
      (m) =>
        typeof m?.id === 'string' &&
        (m.role === 'user' || m.role === 'assistant') &&
        typeof m.content === 'string',
    )
  );
}

/** Parses what was saved, dropping anything malformed rather than failing the page. */
export function parseSaved(raw: string | null): SavedState | null {
  if (!raw) return null;
  try {
    const data = JSON.parse(raw) as Partial<SavedState>;
    const conversations = Array.isArray(data.conversations)
      ? data.conversations.filter(isConversation)
      : [];
    for (const c of conversations) {
      // An answer that was streaming when the page went away will not resume.
      for (const m of c.messages) if (m.status === 'streaming') m.status = 'stopped';
    }
    const activeId =
      typeof data.activeId === 'string' && conversations.some((c) => c.id === data.activeId)
        ? data.activeId
        : null;
    const collection = typeof data.collection === 'string' ? data.collection : null;
    return { conversations, activeId, collection };
  } catch {
    return null;
  }
}

/** Conversations live in this browser's localStorage only; the server never keeps them. */
export function localConversationStorage(storage: Storage = localStorage): ConversationStorage {
  return {
    load: () => {
      try {
        return parseSaved(storage.getItem(KEY));
      } catch {
        return null;
      }
    },
    save: (state) => {
      try {
        if (state.conversations.length === 0) storage.removeItem(KEY);
        else storage.setItem(KEY, JSON.stringify(state));
      } catch {
        // Storage full or disabled (private mode): the chat still works for this visit.
      }
    },
  };
}
