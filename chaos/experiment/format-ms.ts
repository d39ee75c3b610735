/** Journal times in log lines: `1.25s`, `300ms` (display only; k6 option text is vocabulary's `formatDuration`). */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(2)}s` : `${Math.round(ms)}ms`;
}
