/** Thumb icons drawn as SVG: emoji fonts are missing on many systems (boxes instead of 👍). */
export function ThumbIcon(props: { down?: boolean }) {
  return (
    <svg
      class={props.down ? 'icon icon-flip' : 'icon'}
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
    >
      <path
        fill="none"
        stroke="currentColor"
        stroke-width="1.8"
        stroke-linejoin="round"
        d="M7 10v11H3V10h4Zm0 0 4.5-7c1.6 0 2.7 1.3 2.3 2.9L13 9.5h6.2c1.3 0 2.2 1.2 1.9 2.4l-1.8 7.3c-.3 1.1-1.2 1.8-2.3 1.8H7"
      />
    </svg>
  );
}
