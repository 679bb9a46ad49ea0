import type { RouterOutputs } from '@bastion/api';
import { createResource, For, Show } from 'solid-js';
import './analytics.css';

export type AnalyticsSummary = RouterOutputs['analytics']['summary'];

export interface AdminSummaryProps {
  /** `analytics.summary` with an admin key (the caller decides how the key is held). */
  fetchSummary: () => Promise<AnalyticsSummary>;
}

const PROVIDERS = ['primary', 'fallback', 'extractive', 'guardrails'] as const;

function percent(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)} %`;
}

function failureText(error: unknown): string {
  const reason = (error as { data?: { reason?: unknown } } | null)?.data?.reason;
  if (reason === 'admin_required' || reason === 'unauthenticated') {
    return 'An admin key is required to see the analytics summary.';
  }
  if (reason === 'admin_disabled') return 'Admin procedures are off on this server.';
  return 'The analytics summary could not be loaded.';
}

/** For operators: events per day, answers by provider, guardrail blocks and feedback. */
export function AdminSummary(props: AdminSummaryProps) {
  const [summary] = createResource(props.fetchSummary);
  // Reading a failed resource throws: only read it once it is ready.
  const ready = () => (summary.state === 'ready' ? summary() : undefined);
  const total = (pick: (day: AnalyticsSummary['days'][number]) => number) =>
    (ready()?.days ?? []).reduce((sum, day) => sum + pick(day), 0);

  return (
    <section class="analytics-summary" aria-labelledby="analytics-summary-title">
      <h2 id="analytics-summary-title">Analytics</h2>
      <Show when={summary.error}>
        <p role="alert" data-testid="analytics-summary-error">
          {failureText(summary.error)}
        </p>
      </Show>
      <Show when={ready()}>
        {(s) => (
          <>
            <p data-testid="analytics-summary-overview">
              Feedback: {s().feedback.up} 👍 / {s().feedback.down} 👎 ({percent(s().feedback.ratio)}{' '}
              positive) · guardrail blocks: {total((d) => d.guardrailBlocks)} · kept{' '}
              {s().retentionDays} days
              {s().enabled ? '' : ' · collection is off'}
            </p>
            <table data-testid="analytics-summary-days">
              <caption>Events per day (UTC)</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Visitors</th>
                  <th scope="col">Page views</th>
                  <th scope="col">Questions</th>
                  <For each={PROVIDERS}>{(p) => <th scope="col">Answers: {p}</th>}</For>
                  <th scope="col">Errors shown</th>
                </tr>
              </thead>
              <tbody>
                <For
                  each={s().days}
                  fallback={
                    <tr>
                      <td colSpan={5 + PROVIDERS.length}>No events stored.</td>
                    </tr>
                  }
                >
                  {(day) => (
                    <tr>
                      <th scope="row">{day.day}</th>
                      <td>{day.visitors}</td>
                      <td>{day.events.page_view ?? 0}</td>
                      <td>{day.events.question_asked ?? 0}</td>
                      <For each={PROVIDERS}>{(p) => <td>{day.answers[p] ?? 0}</td>}</For>
                      <td>{day.events.error_shown ?? 0}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </>
        )}
      </Show>
    </section>
  );
}
