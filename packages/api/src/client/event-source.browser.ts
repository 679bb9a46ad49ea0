import type { EventSourceConstructor } from './event-source.types.ts';

// Browsers ship EventSource; keeping the ponyfill out of the page keeps first-load JS small.
export const EventSourceImpl: EventSourceConstructor = globalThis.EventSource;
