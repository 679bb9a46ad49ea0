// What main.ts says at start-up: which answer path is live, and why a listen failed, one line each.
import type { LlmStatus } from '@bastion/api';

/** One line naming the path answers take now, in the words of the status pill. */
export function answerPathLine(llm: LlmStatus): string {
  const { primary, fallback, extractive } = llm;
  const otherwise = fallback.configured
    ? `answering with the OpenAI fallback (${fallback.model})`
    : extractive.enabled
      ? 'answering from the knowledge base'
      : 'no answer path: chat fails until a model is reachable (EXTRACTIVE_FALLBACK=0)';
  switch (llm.path) {
    case 'primary':
      return `answering with ${primary.model} at ${primary.baseUrl}`;
    case 'warming':
      return `${primary.baseUrl} does not serve ${primary.model} yet (pull it, or PRIMARY_PULL_ON_START=1): ${otherwise}`;
    default:
      if (!primary.enabled) return `primary model disabled (DISABLE_PRIMARY): ${otherwise}`;
      return `no model reachable at ${primary.baseUrl}: ${otherwise}`;
  }
}

/** A listen error as one line for an operator, or null when it is not one of the usual ones. */
export function listenFailure(error: unknown, host: string, port: number): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') {
    return `${where} is already in use: stop the other process or set PORT (or HOST)`;
  }
  if (code === 'EACCES') return `no permission to listen on ${where}: use a port above 1023`;
  if (code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine: set HOST`;
  return null;
}
