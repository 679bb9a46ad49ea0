import { describe, expect, it } from 'vitest';
import { authStateOf, createSession, type WhoAmI } from './session.ts';

const who = (over: Partial<WhoAmI>): WhoAmI => ({
  signedIn: false,
  keyRequired: true,
  publicChat: false,
  ...over,
});

const unauthorized = () => Object.assign(new Error('Unauthorized'), { data: { httpStatus: 401 } });

describe('session', () => {
  it('tells an open server, a PUBLIC_CHAT guest, a signed-in key and a signed-out page apart', () => {
    expect(authStateOf(who({ keyRequired: false }))).toBe('open');
    expect(authStateOf(who({ publicChat: true }))).toBe('guest');
    expect(authStateOf(who({ publicChat: true, signedIn: true }))).toBe('signed-in');
    expect(authStateOf(who({}))).toBe('signed-out');
  });

  it('stays a guest after a 401 on a PUBLIC_CHAT server, and is signed out on a closed one', async () => {
    const guest = createSession({
      signIn: async () => ({}),
      signOut: async () => ({}),
      whoami: async () => who({ publicChat: true }),
    });
    await guest.noteAuthError();
    expect(guest.state()).toBe('guest');

    const closed = createSession({
      signIn: async () => ({}),
      signOut: async () => ({}),
      whoami: async () => who({}),
    });
    await closed.noteAuthError();
    expect(closed.state()).toBe('signed-out');
  });

  it('knows an admin key’s session, and that a server that did not answer is unreachable', async () => {
    let role = 'admin';
    const session = createSession({
      signIn: async () => ({}),
      signOut: async () => ({}),
      whoami: async () => who({ signedIn: true, role }),
    });
    await session.refresh();
    expect(session.state()).toBe('signed-in');
    expect(session.admin()).toBe(true);
    role = 'user';
    await session.refresh();
    expect(session.admin()).toBe(false);

    const down = createSession({
      signIn: async () => ({}),
      signOut: async () => ({}),
      whoami: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await down.refresh();
    expect(down.state()).toBe('unreachable');
  });

  it('a guest signs in with a key and back out to guest', async () => {
    let signedIn = false;
    const session = createSession({
      signIn: async (key) => {
        if (key !== 'the-key') throw unauthorized();
        signedIn = true;
        return {};
      },
      signOut: async () => {
        signedIn = false;
        return {};
      },
      whoami: async () => who({ publicChat: true, signedIn }),
    });
    await session.refresh();
    expect(session.state()).toBe('guest');
    expect(await session.signIn('wrong')).toBe(false);
    expect(session.error()).toBe('That key was not accepted.');
    expect(await session.signIn(' the-key ')).toBe(true);
    expect(session.state()).toBe('signed-in');
    await session.signOut();
    expect(session.state()).toBe('guest');
  });
});
