import { createMemo, createSignal, onCleanup } from 'solid-js';

/**
 * The page's start-up as a series of steps, one per task. Under Lighthouse's mobile throttling
 * (4× CPU) any task over 50 ms after the first paint counts as blocking time, so no step may draw
 * more than one part of the page: each part shows its static stand-in from index.html until its
 * step has been reached.
 */
export function createStartup<S extends string>(steps: readonly S[], first: S) {
  const [step, setStep] = createSignal<S>(first);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  return {
    /** True from the step `s` on; a memo, so what it gates changes once, not at every step. */
    reached: (s: S) => createMemo(() => steps.indexOf(step()) >= steps.indexOf(s)),
    /** Takes the following steps, each in a task of its own (the browser may paint between). */
    start(): void {
      const next = () => {
        const following = steps[steps.indexOf(step()) + 1];
        if (following === undefined) return;
        setStep(() => following);
        timer = setTimeout(next, 0);
      };
      timer = setTimeout(next, 0);
    },
  };
}
