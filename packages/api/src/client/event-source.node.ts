import { EventSource } from 'eventsource';
import type { EventSourceConstructor } from './event-source.types.ts';

// Node 24 has no global EventSource; the maintained ponyfill also lets us send headers.
export const EventSourceImpl: EventSourceConstructor = EventSource as EventSourceConstructor;
