import { TRPCError } from '@trpc/server';

type TRPCErrorCode = ConstructorParameters<typeof TRPCError>[0]['code'];

/** The machine-readable cause carried by every error the API raises on purpose. */
export class ReasonedError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'ReasonedError';
    this.reason = reason;
  }
}

/** A tRPC error whose `data.reason` is the stable string `reason`. */
export function apiError(code: TRPCErrorCode, reason: string, message: string): TRPCError {
  return new TRPCError({ code, message, cause: new ReasonedError(reason, message) });
}

/** The stable reason of an error, derived from its tRPC code when none was given. */
export function reasonOf(error: TRPCError): string {
  if (error.cause instanceof ReasonedError) return error.cause.reason;
  if (error.code === 'BAD_REQUEST' && error.cause && 'issues' in error.cause)
    return 'invalid_input';
  return error.code.toLowerCase();
}
