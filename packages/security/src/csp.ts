/** A Content-Security-Policy as ordered directives, each with its source list. */
export type CspDirectives = ReadonlyArray<readonly [directive: string, sources: readonly string[]]>;

export interface PageCspInput {
  /** CSP hash sources (`'sha384-…'`) of the scripts the HTML itself runs. */
  scriptHashes: readonly string[];
  /** CSP hash sources of inline `<style>` blocks (aim for none). */
  styleHashes?: readonly string[];
}

/**
 * The policy of the built page. Scripts are trusted only by hash: the page's single external
 * loader (matched through its `integrity` attribute) and any inline script. `'strict-dynamic'`
 * passes that trust on to the module graph the loader inserts, so no host allowlist (not even
 * `'self'`) is needed. Everything else the page loads comes from its own origin.
 */
export function pageCsp({ scriptHashes, styleHashes = [] }: PageCspInput): CspDirectives {
  const scriptSrc = scriptHashes.length > 0 ? [...scriptHashes, "'strict-dynamic'"] : ["'none'"];
  return [
    ['default-src', ["'none'"]],
    ['script-src', scriptSrc],
    ['style-src', ["'self'", ...styleHashes]],
    ['img-src', ["'self'"]],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'"]],
    ['manifest-src', ["'self'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'self'"]],
    ['frame-ancestors', ["'none'"]],
    ['object-src', ["'none'"]],
  ];
}

export function serializeCsp(directives: CspDirectives): string {
  return directives.map(([name, sources]) => [name, ...sources].join(' ')).join('; ');
}

/** Directive name → sources; later duplicates are ignored, as browsers do. */
export function parseCsp(policy: string): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    if (!parsed.has(key)) parsed.set(key, sources);
  }
  return parsed;
}

const HASH_SOURCE = /'sha(256|384|512)-[A-Za-z0-9+/_-]+={0,2}'/g;

/** The policy with every hash value blanked, so a rebuild of the same design compares equal. */
export function cspTemplate(policy: string): string {
  return policy.replace(HASH_SOURCE, "'sha$1-…'");
}

/** Every hash source in the policy, e.g. `'sha384-…'`. */
export function hashSources(policy: string): string[] {
  return policy.match(HASH_SOURCE) ?? [];
}
