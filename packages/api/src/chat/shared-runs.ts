import type { ChatInput } from './input.ts';
import type { RunOwner } from './owner.ts';
import type { ChatRun, RunHandle } from './runs.ts';
import type { ChatEvent } from './types.ts';

/** What every replica can read about a run. */
export interface SharedRunRecord {
  owner: RunOwner;
  input: ChatInput;
  cancelled: boolean;
}

/** What a replica does when a viewer finds a run's replica dead. */
export interface SharedRunHooks {
  /** Claim and re-drive the run here (see ChatService). */
  orphaned(runId: string): void;
}

/**
 * Chat runs shared by replicas (REDIS_URL): the replica that starts a run drives the model and
 * appends its events; any replica serves `chat.stream` from the shared events and forwards
 * `chat.cancel`. Without it, runs live in the process that started them (ChatRuns).
 */
export interface SharedRuns {
  setHooks(hooks: SharedRunHooks): void;
  /** Records a run this replica drives; it is stopped unless watched within `firstViewerMs`. */
  create(runId: string, record: SharedRunRecord, firstViewerMs: number): Promise<void>;
  /** Appends event number `seq`; rejects when another replica has taken the run over. */
  append(runId: string, seq: number, event: ChatEvent): Promise<void>;
  /** This replica drives the run: `stop` when `chat.cancel` (on any replica) or nobody watches it. */
  track(runId: string, stop: () => void): void;
  /** The run ended here (events kept for resumes for the retention time). */
  finish(runId: string): Promise<void>;
  record(runId: string): Promise<SharedRunRecord | null>;
  events(runId: string): Promise<ChatEvent[]>;
  handle(runId: string, graceMs: number): RunHandle;
  /**
   * A viewer on the replica driving `run`: its events come from memory (those already shared, see
   * `ChatRun.showShared`), it keeps the run watched like any viewer, and it continues from the
   * shared stream if another replica takes the run over.
   */
  drivenHandle(run: ChatRun, graceMs: number): RunHandle;
  cancel(runId: string): Promise<void>;
  /** Takes over a run whose replica stopped beating; false when another replica did first. */
  claim(runId: string): Promise<boolean>;
  close(): Promise<void>;
}
