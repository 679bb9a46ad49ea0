/**
 * The longest procedure list one batched request may name: the server's router refuses a path
 * parameter over 200 characters (`maxParamLength`) before tRPC sees it, so a longer batch would
 * fail as a whole with no typed reason.
 */
const MAX_BATCH_PATH_CHARS = 200;
/** No procedure path is longer (a test holds the router to it). */
export const MAX_PROCEDURE_PATH_CHARS = 24;
/**
 * Calls per batch, so that their comma-separated paths always fit. Counted in calls, not URL
 * length: a bound on the URL would refuse, untyped and before sending, a single query whose input
 * is long (the server answers that one with a typed `invalid_input` when it is too long).
 */
export const MAX_BATCH_CALLS = Math.floor(
  (MAX_BATCH_PATH_CHARS + 1) / (MAX_PROCEDURE_PATH_CHARS + 1),
);
