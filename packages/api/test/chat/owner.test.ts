import { describe, expect, it } from 'vitest';
import { budgetOf, ownerOf, owns } from '../../src/chat/owner.ts';
import type { Actor } from '../../src/context.ts';

const key = (keyId: string): Actor => ({ keyId, role: 'user', address: '10.0.0.1' });
const anon = (callerId: string, address: string, cookieless = false): Actor => ({
  keyId: null,
  role: 'anonymous',
  callerId,
  address,
  cookieless,
});

describe('run ownership', () => {
  it('a key owns its runs, from any address; another key does not', () => {
    const owner = ownerOf(key('alice'));
    expect(owner).toEqual({ caller: 'key:alice', address: null });
    expect(owns(owner, { ...key('alice'), address: '10.9.9.9' })).toBe(true);
    expect(owns(owner, key('bob'))).toBe(false);
    expect(owns(owner, anon('alice', '10.0.0.1', true))).toBe(false);
  });

  it('an anonymous caller with a cookie owns its runs by the cookie, not by the address', () => {
    const owner = ownerOf(anon('c1', '10.0.0.1'));
    expect(owner).toEqual({ caller: 'anon:c1', address: null });
    expect(owns(owner, anon('c1', '10.0.0.2'))).toBe(true);
    expect(owns(owner, anon('c2', '10.0.0.1'))).toBe(false);
    expect(owns(owner, anon('c2', '10.0.0.1', true))).toBe(false);
  });

  it('a first visit owns its run by the cookie it was given and by its address', () => {
    const owner = ownerOf(anon('new', '10.0.0.1', true));
    expect(owner).toEqual({ caller: 'anon:new', address: '10.0.0.1' });
    // It kept the cookie.
    expect(owns(owner, anon('new', '10.0.0.7'))).toBe(true);
    // A client that keeps no cookie (the CLI) gets a fresh one on every call.
    expect(owns(owner, anon('fresh', '10.0.0.1', true))).toBe(true);
    // A cookie another of its first calls was handed (it could as well drop it, so nothing
    // another cookie at that address is kept from).
    expect(owns(owner, anon('other', '10.0.0.1'))).toBe(true);
    // Elsewhere, with a cookie or without.
    expect(owns(owner, anon('other', '10.0.0.2'))).toBe(false);
    expect(owns(owner, anon('fresh', '10.0.0.2', true))).toBe(false);
    // A key never owns an anonymous run.
    expect(owns(owner, { ...key('alice'), address: '10.0.0.1', cookieless: true })).toBe(false);
  });

  it('nothing owns a run that does not exist', () => {
    expect(owns(undefined, key('alice'))).toBe(false);
    expect(owns(null, anon('c', '10.0.0.1', true))).toBe(false);
  });

  it('spends the key budget, else the address budget whatever the cookie', () => {
    expect(budgetOf(key('alice'))).toBe('key:alice');
    expect(budgetOf(anon('c1', '10.0.0.1'))).toBe('addr:10.0.0.1');
    expect(budgetOf(anon('c2', '10.0.0.1', true))).toBe('addr:10.0.0.1');
    expect(budgetOf({ keyId: null, role: 'anonymous' })).toBe('anon');
  });
});
