import { describe, expect, it } from 'vitest';
import {
  allowedCollections,
  assertCollectionAllowed,
  collectionAllowed,
} from '../src/auth/collections.ts';
import type { Actor } from '../src/context.ts';
import { reasonOf } from '../src/errors.ts';

const limited: Actor = { keyId: 'web', role: 'user', collections: ['docs', 'faq'] };
const open: Actor = { keyId: 'ops', role: 'admin', collections: null };
const anonymous: Actor = { keyId: null, role: 'anonymous' };

describe('collection limits (API_KEY_COLLECTIONS)', () => {
  it('allows a limited key only its collections', () => {
    expect(collectionAllowed(limited, 'docs')).toBe(true);
    expect(collectionAllowed(limited, 'private')).toBe(false);
    expect(collectionAllowed(open, 'private')).toBe(true);
    expect(collectionAllowed(anonymous, 'private')).toBe(true);
  });

  it('refuses outside them with FORBIDDEN and a stable reason', () => {
    expect(() => assertCollectionAllowed({ actor: limited }, 'faq')).not.toThrow();
    try {
      assertCollectionAllowed({ actor: limited }, 'private');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'FORBIDDEN' });
      expect(reasonOf(error as never)).toBe('collection_forbidden');
    }
  });

  it('filters listings', () => {
    expect(allowedCollections({ actor: limited }, ['docs', 'private', 'faq'])).toEqual([
      'docs',
      'faq',
    ]);
    expect(allowedCollections({ actor: limited }, [{ id: 'private' }, { id: 'docs' }])).toEqual([
      { id: 'docs' },
    ]);
    expect(allowedCollections({ actor: open }, ['a', 'b'])).toEqual(['a', 'b']);
  });
});
