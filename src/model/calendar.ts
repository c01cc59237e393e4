/**
 * Weekday names as configs spell them, Monday first (ISO 8601 week): index = `weekdayOf(day)` in
 * src/analytics/kpi/tz.ts. Shared by the KPI shift calendar and the workflows' maintenance windows,
 * whose config schemas must not depend on each other's code.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
