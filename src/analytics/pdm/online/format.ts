/**
 * Hours as a maintenance planner reads them: minutes below an hour (a horizon of 0.4 h is
 * "24 min", never "0 h"), one decimal below ten hours, whole hours below three days, and days added
 * beyond that.
 */
export function formatHours(h: number): string {
  if (!Number.isFinite(h)) return '—';
  if (h < 1) return `${Math.max(h > 0 ? 1 : 0, Math.round(h * 60))} min`;
  if (h < 10) return `${h.toFixed(1)} h`;
  if (h < 72) return `${Math.round(h)} h`;
  return `${Math.round(h)} h (${(h / 24).toFixed(1)} d)`;
}
