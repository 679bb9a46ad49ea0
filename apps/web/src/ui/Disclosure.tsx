import { createSignal, type JSX, Show } from 'solid-js';

/**
 * A <details> whose content is created on first open and then kept (closing keeps its state):
 * what it holds is loaded and queried only by readers who ask for it.
 */
export function Disclosure(props: {
  summary: string;
  class?: string;
  testId?: string;
  children: JSX.Element;
}) {
  const [opened, setOpened] = createSignal(false);
  return (
    <details
      class={props.class}
      data-testid={props.testId}
      onToggle={(e) => {
        if (e.currentTarget.open) setOpened(true);
      }}
    >
      <summary>{props.summary}</summary>
      <Show when={opened()}>{props.children}</Show>
    </details>
  );
}
