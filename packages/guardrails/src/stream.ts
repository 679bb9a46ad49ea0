import { type Canary, compileCanaries, findCompiled, MAX_GAP } from './secrets/canary.ts';
import { continuePemBody, type PemBodyState, type PemStep } from './secrets/pem-body.ts';
import { placeholder, renderRange, resolveFindings } from './secrets/redact.ts';
import { scanSecrets } from './secrets/scan.ts';
import { LOOKBEHIND, newCarry, resetCarry, shiftCarry } from './secrets/scan-context.ts';
import {
  endsInHighSurrogate,
  type UnmaskedView,
  unmask,
  unmaskAfter,
  withoutInvisible,
} from './secrets/unmask.ts';

/** Held text up to this length is scanned again at every push. */
const SHORT_HOLD = 64;
/**
 * Released text is dropped from the buffer (all but LOOKBEHIND characters of context) once there
 * is this much of it. Until then the buffer only grows at its end, so what a scan settled of its
 * view (and of the names in it) holds for the next scan, which reads only the text after it; a
 * rule looks back no farther than LOOKBEHIND however much context there is.
 */
const TRIM_AT = 3 * LOOKBEHIND;

export interface StreamRedactorOptions {
  /** Strings that must never be emitted (e.g. a canary planted in the system prompt). */
  canaries?: string[];
}

export interface StreamRedactor {
  /** Adds a chunk; returns the redacted text that is now final. */
  push(chunk: string): string;
  /** Ends the stream; returns the rest of the redacted text. */
  flush(): string;
  /** A canary has appeared in the stream. */
  readonly leaked: boolean;
}

/**
 * Redacts a text that arrives in chunks. The concatenation of every `push()` and the `flush()`
 * equals `redactSecrets(whole text).text` (plus canary redaction), whatever the chunking: text is
 * only released once no later character can change how it is redacted.
 *
 * Hold-back: the longest token a rule still has open (a JWT, capped at 8192 characters; most
 * rules stop at 300), and when that is over 64 characters up to twice as much again, because a long
 * hold is only scanned again once twice its length has arrived. A private-key block is not held: once its BEGIN line and a run of key
 * material have arrived its placeholder is emitted and the rest of the block is discarded as it
 * streams in, keeping only the few characters (a blank gap, a partial END line) that decide where
 * it ends.
 */
/**
 * A canary, written as is or disguised, is in `tail`, the end of the text. A canary spread over
 * more characters than that end is reported by the scan that redacts it.
 */
function arrived(tail: string, canaries: readonly Canary[]): boolean {
  return findCompiled(tail, canaries).length > 0;
}

/**
 * Reads on in a private-key block the stream is discarding, from `from` of `buffer`; indices of
 * the step are in `buffer`. The block is read in the unmasked view of what follows, as the whole
 * text reads it: a key character written as a reference (`&#x41;`) or with an invisible character
 * beside it does not end the block and let the rest of the key through.
 */
function followPemBody(
  buffer: string,
  from: number,
  state: PemBodyState,
  final: boolean,
  before: string,
): PemStep {
  // The second half of a pair may still arrive and change what its first half reads as.
  const rest = buffer.slice(from, !final && endsInHighSurrogate(buffer) ? -1 : buffer.length);
  const view = unmaskAfter(rest, final, before);
  if (view === null) {
    const step = continuePemBody(rest, 0, state, final);
    if (step.kind === 'more') return { ...step, at: from + step.at };
    return step.kind === 'end' ? { kind: 'end', end: from + step.end } : step;
  }
  // A construct the end leaves open is read once it is complete.
  const open = view.openView !== -1;
  const step = continuePemBody(
    open ? view.text.slice(0, view.openView) : view.text,
    0,
    state,
    final && !open,
  );
  if (step.kind === 'end') return { kind: 'end', end: from + consumedBy(view, step.end) };
  if (step.kind === 'reject') return step;
  // Reading resumes where the characters read end, unless a reversed span gave some of them and
  // not all: resumed inside the span, the rest of it would be read unreversed (a reversed ` -`
  // would end the block and let the key through). The block is read again from here instead,
  // once more text has arrived.
  const resume = resumeAt(view, step.at);
  return resume === -1 ? { kind: 'more', at: from, state } : { ...step, at: from + resume };
}

/**
 * Where in the original everything that gave the view's first `units` characters ends: for a
 * reordered view the furthest of them, as the whole-text redaction covers a finding.
 */
function consumedBy(view: UnmaskedView, units: number): number {
  if (units === 0) return 0;
  if (!view.reordered) return view.ends[units - 1] as number;
  let end = 0;
  for (let i = 0; i < units; i++) end = Math.max(end, view.ends[i] as number);
  return end;
}

/** `consumedBy`, or -1 when a later character of the view comes from before that point. */
function resumeAt(view: UnmaskedView, units: number): number {
  const end = consumedBy(view, units);
  if (!view.reordered) return end;
  for (let i = units; i < view.origin.length; i++) if ((view.origin[i] as number) < end) return -1;
  return end;
}

/** The last character of the view `buffer[0, at)` gives, for the next `followPemBody`. */
function shownBefore(buffer: string, at: number): string {
  const view = unmask(buffer.slice(Math.max(0, at - 64), at));
  const shown = view === null ? buffer.slice(Math.max(0, at - 64), at) : view.text;
  return shown.slice(-1);
}

export function createStreamRedactor(options: StreamRedactorOptions = {}): StreamRedactor {
  const canaries = compileCanaries(options.canaries ?? []);
  // The text received last, as far back as a canary (disguised: up to eight characters shown as
  // one, and MAX_GAP between two) that ends in the next chunk may start.
  const canaryReach =
    (8 + MAX_GAP) * Math.max(0, ...canaries.map((canary) => canary.literal.length)) + 64;
  let recent = '';
  // `buffer` keeps up to LOOKBEHIND released characters before `pos` as context for the rules.
  let buffer = '';
  let pos = 0;
  let pem: PemBodyState | null = null;
  // What the rules learnt about the buffer in earlier scans (the names they have judged).
  const carry = newCarry();
  let leaked = false;
  // Text still held after the last scan, and text received since. A scan reads everything held,
  // so a long open candidate (a JWT, a value run) is scanned again only once twice as much new text
  // has arrived: the work stays linear in the stream. Short holds are scanned at every push.
  let heldAfterScan = 0;
  let pending = 0;

  function release(final: boolean): string {
    let out = '';
    for (;;) {
      if (pem !== null) {
        const step = followPemBody(buffer, pos, pem, final, shownBefore(buffer, pos));
        if (step.kind === 'more') {
          pos = step.at;
          pem = step.state;
          break;
        }
        // A committed block always ends; 'reject' cannot happen here.
        if (step.kind === 'end') pos = step.end;
        pem = null;
        continue;
      }
      const scan = scanSecrets(buffer, pos, final, canaries, carry);
      const spans = resolveFindings(scan.findings);
      if (scan.findings.some((f) => f.type === 'canary')) leaked = true;
      let cut = final ? buffer.length : scan.frontier;
      const open = scan.openPem;
      if (open !== null && cut >= open.start) {
        const before = spans
          .filter((s) => s.start < open.start)
          .map((s) => ({ ...s, end: Math.min(s.end, open.start) }));
        out += renderRange(buffer, pos, open.start, before) + placeholder('private-key');
        pos = open.resumeAt;
        pem = open.state;
        continue;
      }
      if (open !== null) cut = Math.min(cut, open.start);
      for (const span of spans) if (span.end > cut) cut = Math.min(cut, span.start);
      const released = spans.filter((s) => s.end <= cut);
      out += renderRange(buffer, pos, cut, released);
      pos = cut;
      break;
    }
    if (pos > TRIM_AT) {
      // The context is kept as LOOKBEHIND characters that show: a wall of invisible characters
      // between a name and its value must not push the name out of it.
      const released = buffer.slice(0, pos);
      const shown = withoutInvisible(released);
      const keep = Math.max(0, shown.length - LOOKBEHIND);
      buffer = shown.slice(keep) + buffer.slice(pos);
      // The view of what the buffer keeps is the cached view's end, unless invisible characters
      // were dropped (the indices no longer follow) or the cut splits what gave a unit.
      if (shown === released) {
        shiftCarry(carry, keep);
        carry.view.shift(keep);
      } else {
        resetCarry(carry);
        carry.view.reset();
      }
      pos = shown.length - keep;
    }
    heldAfterScan = buffer.length - pos;
    pending = 0;
    return out;
  }

  return {
    push(chunk: string): string {
      pending += chunk.length;
      const deferred = heldAfterScan > SHORT_HOLD && pending < 2 * heldAfterScan;
      // Joined, into a flat string, for a scan: the rules read the buffer one character at a time,
      // which is slower through a rope. While the scan waits, a rope: a long hold (an open
      // right-to-left span, a long token) costs nothing per chunk for what it already holds.
      buffer = deferred ? buffer + chunk : [buffer, chunk].join('');
      if (canaries.length > 0) {
        // A canary is reported as soon as it has arrived, even while the text around it is held.
        const tail = recent + chunk;
        if (!leaked) leaked = arrived(tail, canaries);
        recent = tail.slice(-canaryReach);
      }
      return deferred ? '' : release(false);
    },
    flush(): string {
      return release(true);
    },
    get leaked() {
      return leaked;
    },
  };
}
