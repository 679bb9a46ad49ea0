import type { Operation } from '@trpc/client';
// The app's limits as the server and the generated edge size themselves from them (a module of
// plain values: the package's entry point also holds Node-only build code a browser cannot load).
import { defaultAppLimits, maxUrlBytes } from '../../../security/src/nginx.ts';

/**
 * The longest procedure list one batched request may name: the server's router refuses a path
 * parameter over 200 characters (`maxParamLength`) before tRPC sees it, so a longer batch would
 * fail as a whole with no typed reason.
 */
const MAX_BATCH_PATH_CHARS = 200;
/** No procedure path is longer (a test holds the router to it). */
export const MAX_PROCEDURE_PATH_CHARS = 24;
/** Calls per batch, so that their comma-separated paths always fit. */
export const MAX_BATCH_CALLS = Math.floor(
  (MAX_BATCH_PATH_CHARS + 1) / (MAX_PROCEDURE_PATH_CHARS + 1),
);

/**
 * The longest URL of a batch: that of a search at its cap, which the server's header limit and
 * the generated nginx's header buffer both take. Counted over the whole URL, origin included, so
 * the request line either of them reads is shorter still.
 */
export const MAX_BATCH_URL_CHARS = maxUrlBytes(defaultAppLimits.queryChars);

/**
 * Whether a call fits a batch: its input, as tRPC's batch link would send it alone, is no longer
 * than a batch's URL may be — percent-encoded in the URL for a query, JSON in the body for a
 * mutation. So a batch's URL always fits, and so does its body: at most MAX_BATCH_CALLS such
 * inputs (a test holds that under the server's and the edge's body limits). A call that does not
 * fit is sent unbatched: the server judges it alone and answers with a typed reason
 * (`invalid_input` for a search over its cap), where a batch would refuse it before sending, with
 * none (a long query), or take its siblings down with it (two large ingests: 413 for both).
 */
export function fitsBatch(endpoint: string, op: Pick<Operation, 'type' | 'path' | 'input'>) {
  const json = JSON.stringify({ 0: op.input });
  const input = op.type === 'query' ? encodeURIComponent(json) : json;
  return `${endpoint}/${op.path}?batch=1&input=`.length + input.length <= MAX_BATCH_URL_CHARS;
}
