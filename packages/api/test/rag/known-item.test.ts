import { describe, expect, it } from 'vitest';
import { packagesFrom } from '../../eval/known-item.ts';

/** A Translation-en stanza: the synopsis on the Description-en line, the long text indented. */
const stanza = (pkg: string, synopsis: string, ...paragraphs: string[]) =>
  `Package: ${pkg}\nDescription-md5: 0\nDescription-en: ${synopsis}\n${paragraphs
    .map((p) => ` ${p}`)
    .join('\n .\n')}`;

const list = [
  stanza('libfoo', 'Foo parsing library', 'Foo reads foo files quickly.'),
  stanza(
    'libfoo-dev',
    'Foo parsing library (development files)',
    'Foo reads foo files quickly.',
    'Headers.',
  ),
  stanza('libfoo-doc', 'Foo parsing library (documentation)', 'Foo reads foo files quickly.'),
  stanza('bar', 'Bar drawing tool', 'Bar draws bars.'),
  stanza('baz', 'Shared synopsis here', 'Baz does baz things.'),
  stanza('qux', 'Shared synopsis here', 'Qux does qux things.'),
  stanza('quux', 'Quux network daemon', 'Quux serves quux.'),
  stanza('nodesc', 'No long description'),
].join('\n\n');

const synopses = new Map([
  ['libfoo', 'Foo parsing library'],
  ['bar', 'Bar drawing tool'],
  ['quux', 'Quux network daemon'],
]);

describe('known-item collection from Debian package descriptions', () => {
  const corpus = packagesFrom(list, { docs: 10, queriesPerSplit: 2 });

  it('keeps one document per sibling group (the shortest name) and none without a long text', () => {
    expect(corpus.docs.map((d) => d.title).sort()).toEqual(['bar', 'baz', 'libfoo', 'quux', 'qux']);
  });

  it("judges each query's own package relevant, asks no ambiguous synopsis, and leaves the synopsis out of the document", () => {
    const asked = [...corpus.splits.dev, ...corpus.splits.test];
    expect(asked).toHaveLength(3);
    expect(new Set(corpus.queries.values())).toEqual(
      new Set(['Foo parsing library', 'Bar drawing tool', 'Quux network daemon']),
    );
    for (const [query, judged] of asked) {
      const [[docId, grade]] = [...judged] as [[string, number]];
      const doc = corpus.docs.find((d) => d.id === docId);
      const synopsis = corpus.queries.get(query) as string;
      expect(grade).toBe(1);
      expect(doc?.text).not.toContain(synopsis);
      expect(synopsis).toBe(synopses.get(doc?.title ?? ''));
    }
  });

  it('samples the same collection every time (fixed seed)', () => {
    expect(packagesFrom(list, { docs: 10, queriesPerSplit: 2 })).toEqual(corpus);
  });
});
