import type { ServerResponse } from 'node:http';

/**
 * Runs `release` once `res` is closed (its bytes handed to the socket, or the client gone), at
 * once if it already is: what a reply holds is freed with the connection's use of it.
 */
export function onceClosed(res: ServerResponse, release: () => void): void {
  if (res.closed) release();
  else res.once('close', release);
}
