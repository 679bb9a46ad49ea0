/** What a starter question needs to know of a document (a row of `rag.documents`). */
export interface StarterSource {
  title: string;
  path: string;
  chunks: number;
}

/** For a knowledge base whose documents cannot be listed (or that holds none). */
export const FALLBACK_STARTERS = [
  'What does the knowledge base cover?',
  'How do I set Bastion up, step by step?',
  'How are answers kept grounded and safe?',
];

const TEMPLATES = [
  (topic: string) => `What does “${topic}” cover?`,
  (topic: string) => `What are the key points of “${topic}”?`,
  (topic: string) => `What should I know first about “${topic}”?`,
];

const MAX_TOPIC_CHARS = 60;

/** A document's name for a question: its title, else its file name without the extension. */
function topicOf(doc: StarterSource): string | null {
  const name = doc.title.trim() || (doc.path.split('/').at(-1) ?? '').replace(/\.[^.]+$/, '');
  const topic = name.replace(/\s+/g, ' ').trim();
  return topic && topic.length <= MAX_TOPIC_CHARS ? topic : null;
}

/**
 * Starter questions about what the collection holds: its largest documents (the most passages to
 * answer from), one question each, distinct topics; the fixed questions when none qualify.
 */
export function startersFrom(docs: readonly StarterSource[], count = TEMPLATES.length): string[] {
  const topics: string[] = [];
  const seen = new Set<string>();
  for (const doc of [...docs].sort((a, b) => b.chunks - a.chunks)) {
    const topic = topicOf(doc);
    if (!topic || seen.has(topic.toLowerCase())) continue;
    seen.add(topic.toLowerCase());
    topics.push(topic);
    if (topics.length === count) break;
  }
  if (topics.length === 0) return FALLBACK_STARTERS.slice(0, count);
  return topics.map((topic, i) =>
    (TEMPLATES[i % TEMPLATES.length] as (t: string) => string)(topic),
  );
}
