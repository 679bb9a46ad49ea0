/**
 * Keeps a scroll container at its newest content while the reader is at the bottom; once they
 * scroll up it stays where they are until they come back down (or `follow()` is called).
 */
export function followScroll(
  scroller: HTMLElement,
  content: HTMLElement,
  onFollowingChange: (following: boolean) => void,
): { follow: () => void; dispose: () => void } {
  let following = true;
  const SLACK_PX = 48;
  const set = (value: boolean) => {
    if (value !== following) onFollowingChange(value);
    following = value;
  };
  const toBottom = () => scroller.scrollTo({ top: scroller.scrollHeight });
  const onScroll = () =>
    set(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= SLACK_PX);
  const observer = new ResizeObserver(() => {
    if (following) toBottom();
  });
  observer.observe(content);
  scroller.addEventListener('scroll', onScroll, { passive: true });
  return {
    follow: () => {
      set(true);
      toBottom();
    },
    dispose: () => {
      observer.disconnect();
      scroller.removeEventListener('scroll', onScroll);
    },
  };
}
