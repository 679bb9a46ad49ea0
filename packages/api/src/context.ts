import type { RequestOrigins } from './analytics/origin.ts';
import type { AnalyticsDeps } from './analytics/router.ts';
import type { Chat } from './chat/create-chat.ts';
import type { Feedback } from './feedback/feedback.ts';
import type { KnowledgeBase } from './rag/knowledge-base.ts';
import type { SessionControl } from './session/control.ts';
import type { ToolRunner } from './tools/runner.ts';

/** Who is calling: resolved by the host from the request's credentials. */
export interface Actor {
  /** Key id (never the secret), or null for anonymous callers. */
  keyId: string | null;
  role: 'anonymous' | 'user' | 'admin';
  /** Collections the key may use (API_KEY_COLLECTIONS); null or absent means all. */
  collections?: readonly string[] | null;
  /**
   * Who this anonymous caller is (a session, else the client address), set by the host; chat runs
   * belong to it when there is no key. Absent: the caller owns nothing it could resume or cancel.
   */
  callerId?: string;
  /**
   * The client address (as TRUST_PROXY lets it be read). Anonymous chat limits count per address:
   * a caller cookie is the client's to choose, so counting per cookie would let one client
   * multiply its budget.
   */
  address?: string;
  /**
   * The request carried no caller cookie (a first visit, or a client that keeps none, like the
   * CLI): the runs it starts belong to its address too, so they stay its own on the next call
   * whichever cookie, if any, it sends then.
   */
  cookieless?: boolean;
}

/** What the host knows about the running build, for status and diagnostics. */
export interface BuildInfo {
  version: string;
  build: string;
  startedAt: number;
}

/** Everything the routers need from the host, injected so tests can run the real router. */
export interface ApiDeps {
  build: BuildInfo;
  /** True once storage is open and migrations are applied. */
  isReady: () => boolean;
  /** Whether admin procedures exist at all (an admin key is configured). */
  adminEnabled: boolean;
  chat: Chat;
  /** Repository tools (admin only); without it `tools.*` answer `tools_unavailable`. */
  tools?: ToolRunner;
  /** The knowledge base; without it `rag.*` answer `rag_unavailable`. */
  kb?: KnowledgeBase;
  /** Anonymous analytics; without it `analytics.*` answer `analytics_unavailable`. */
  analytics?: AnalyticsDeps;
  /** Ratings of answers; without it `feedback.submit` answers `feedback_unavailable`. */
  feedback?: Feedback;
}

export interface Context {
  deps: ApiDeps;
  requestId: string;
  actor: Actor;
  /** Browser sessions (`session.*`), provided by the host per request; absent: none. */
  session?: SessionControl;
  /** The request's `Origin` and the server's own origin (analytics accept allowed pages only). */
  origin?: RequestOrigins;
  /**
   * The host's admission of each call before it runs (which procedures a caller without a key
   * may call, per-call budgets): throws the refusal. Per call, so in a batch one refused call
   * leaves the others be. Absent: every call is admitted.
   */
  admit?: (path: string) => Promise<void>;
  /**
   * Runs `release` once the reply is closed: its bytes handed to the socket, or the client gone.
   * What a reply holds (a stream's slot) stays held while its answer still sits in buffers for a
   * client that does not read, not only while the procedure runs. Absent (in-process callers):
   * the procedure releases when it ends.
   */
  onReplyClosed?: (release: () => void) => void;
}
