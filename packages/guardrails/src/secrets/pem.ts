import { charSet, runEnd } from '../chars.ts';
import { re } from '../patterns.ts';
import { continuePemBody, INITIAL_PEM_BODY } from './pem-body.ts';
import { holdFrom, type ScanContext } from './scan-context.ts';

export const PEM_BEGIN = '-----BEGIN ';
const DASHES = '-----';
const LABEL = charSet('A-Z0-9 ');
const MAX_LABEL = 40;
const PRIVATE_LABEL = re(/^(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?$/);

/** Whole private-key blocks, BEGIN line to END line (RSA, EC, DSA, PKCS#8, encrypted, OpenSSH, PGP). */
export function scanPem(ctx: ScanContext): void {
  const { text, final } = ctx;
  let at = text.indexOf(PEM_BEGIN, ctx.from);
  while (at !== -1) {
    const labelStart = at + PEM_BEGIN.length;
    const labelEnd = runEnd(text, labelStart, LABEL, MAX_LABEL + 1);
    const after = text.slice(labelEnd, labelEnd + DASHES.length);
    if (!final && after.length < DASHES.length && DASHES.startsWith(after)) {
      holdFrom(ctx, at);
      return;
    }
    const label = text.slice(labelStart, labelEnd);
    if (after === DASHES && labelEnd - labelStart <= MAX_LABEL && PRIVATE_LABEL.test(label)) {
      const step = continuePemBody(text, labelEnd + DASHES.length, INITIAL_PEM_BODY, final);
      if (step.kind === 'end') {
        ctx.findings.push({ start: at, end: step.end, type: 'private-key' });
        at = text.indexOf(PEM_BEGIN, step.end);
        continue;
      }
      if (step.kind === 'more') {
        if (step.state.committed) ctx.openPem = { start: at, resumeAt: step.at, state: step.state };
        else holdFrom(ctx, at);
        return;
      }
    }
    at = text.indexOf(PEM_BEGIN, at + 1);
  }
}
