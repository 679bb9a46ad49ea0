import { reasonOf } from '../src/errors.ts';

/** The stable `data.reason` a call fails with, or null when it succeeds. */
export async function failureReason(call: Promise<unknown>): Promise<string | null> {
  try {
    await call;
    return null;
  } catch (error) {
    return reasonOf(error);
  }
}
