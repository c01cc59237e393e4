/** The KPI engine's public door (docs/kpi.md). */
export { ShiftCalendar, type ShiftInstance, Tariff } from './calendar.js';
export {
  type KpiConfig,
  type KpiConfigInput,
  kpiConfigSchema,
  type ShiftConfig,
  SIX_BIG_LOSSES,
  type SixBigLoss,
  STATE_CATEGORIES,
  type StateCategory,
  WEEKDAYS,
} from './config.js';
export { type Kpis, kpisOf, type WaterfallStep, waterfallOf } from './kpis.js';
export type { KpiMachine } from './machines.js';
export { type KpiElements, MachineModel, type Stop } from './model.js';
export {
  type KpiFigure,
  KpiService,
  MAX_RAW_RANGE_MS,
  type ParetoRow,
  type ScopeSummary,
  type SeriesRow,
} from './service.js';
export { KpiStore, type PeriodKind } from './store.js';
export { dayStart, isoLocal, localDayNumber, localToUtc, parseDayLabel, weekdayOf } from './tz.js';
