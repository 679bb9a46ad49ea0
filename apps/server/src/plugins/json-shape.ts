import { Transform } from 'node:stream';
import { DomainError } from '@bastion/api';
import type { preParsingAsyncHookHandler } from 'fastify';

/**
 * The most a valid call of a scope can nest and hold: objects and arrays in all (`[]` and `{}`
 * each count one) and levels of nesting. A body past either is refused before it is parsed.
 */
export interface JsonShape {
  maxContainers: number;
  maxDepth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Reads a JSON text's bytes, chunk by chunk, counting its objects and arrays and its nesting,
 * without parsing it: parsing a megabyte of `{}` or `[[[…` costs hundreds of times what its bytes
 * cost to read, so the shape is checked first. One pass over the bytes, strings skipped with their
 * escapes (a plain loop: faster than jumping between quotes and backslashes with `indexOf` on
 * text full of escapes). Quotes and backslashes never occur inside a multi-byte UTF-8 sequence,
 * so bytes can be read as such.
 * Malformed JSON is left to the parser: this only refuses what is too big or too deep to parse.
 */
export class JsonShapeScanner {
  #containers = 0;
  #depth = 0;
  #inString = false;
  /** The previous chunk ended inside a string on a backslash: the next chunk's first byte is escaped. */
  #escaped = false;
  readonly #shape: JsonShape;

  constructor(shape: JsonShape) {
    this.#shape = shape;
  }

  /** Reads the next chunk; returns why the body is refused, or null while it is within shape. */
  feed(chunk: Uint8Array): DomainError | null {
    const { maxContainers, maxDepth } = this.#shape;
    const { length } = chunk;
    // State in locals for the loop (written back below); one pass, one comparison or two a byte.
    let containers = this.#containers;
    let depth = this.#depth;
    let inString = this.#inString;
    let refused: DomainError | null = null;
    let i = this.#escaped ? 1 : 0;
    for (; i < length; i++) {
      const byte = chunk[i];
      if (inString) {
        // An escape: skip the byte it escapes (the next chunk's first when this one ends here).
        if (byte === BACKSLASH) i++;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) {
        inString = true;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        if (++containers > maxContainers) {
          refused = new DomainError(
            'payload_too_large',
            `The body holds more than ${maxContainers} objects and arrays`,
          );
          break;
        }
        if (++depth > maxDepth) {
          refused = new DomainError(
            'invalid_input',
            `The body nests objects and arrays more than ${maxDepth} levels deep`,
          );
          break;
        }
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth--;
      }
    }
    this.#escaped = i > length;
    this.#containers = containers;
    this.#depth = depth;
    this.#inString = inString;
    return refused;
  }
}

/**
 * A preParsing hook for a scope whose bodies are JSON: the body passes through a scanner on its
 * way to the parser, and one past `shape` fails as it arrives, before a byte of it is parsed (the
 * scope's error handler answers in its own style). Only the bytes up to the refusal are read.
 */
export function refuseOversizedJson(shape: JsonShape): preParsingAsyncHookHandler {
  return async (_req, _reply, payload) => {
    const scanner = new JsonShapeScanner(shape);
    const checked = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        const refused = scanner.feed(chunk);
        if (refused) callback(refused);
        else callback(null, chunk);
      },
    });
    payload.on('error', (error) => checked.destroy(error));
    return payload.pipe(checked);
  };
}
