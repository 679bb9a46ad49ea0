import { createHash } from 'node:crypto';

export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** A Subresource Integrity value, e.g. `sha384-<base64>`. */
export function integrity(bytes: string | Uint8Array, algorithm: HashAlgorithm = 'sha384'): string {
  return `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`;
}

/** The CSP hash source for the same digest, e.g. `'sha256-<base64>'`. */
export function hashSource(bytes: string | Uint8Array, algorithm: HashAlgorithm): string {
  return `'${integrity(bytes, algorithm)}'`;
}
