/**
 * Dates as the panel shows them: UTC, the same on the server and in the browser (no hydration
 * mismatch, no guessing the viewer's zone), e.g. "2026-11-27 18:05 UTC".
 */
export function formatDateTime(iso: string | Date | null | undefined, options: { seconds?: boolean; zone?: boolean } = {}): string {
  if (!iso) return "—";
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return "—";
  const text = date.toISOString().slice(0, options.seconds ? 19 : 16).replace("T", " ");
  // Tables say "(UTC)" once in the column header instead.
  return options.zone === false ? text : `${text} UTC`;
}

export function formatDate(iso: string | Date | null | undefined): string {
  if (!iso) return "—";
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return "—";
  return date.toISOString().slice(0, 10);
}
