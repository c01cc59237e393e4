/**
 * Predictive maintenance: remaining-useful-life models validated offline on NASA C-MAPSS, and the
 * online per-machine health model that runs on live tags (see docs/pdm.md).
 */
export {
  CMAPSS_DIR_ENV,
  CMAPSS_SENSOR_NAMES,
  type CmapssSubset,
  loadCmapssSubset,
  parseCmapss,
  resolveCmapssDir,
  type UnitTrajectory,
} from './cmapss.js';
export { assignCondition, type ConditionModel, fitConditions, kmeans } from './conditions.js';
export { type PdmConfig, pdmConfigSchema } from './config.js';
export {
  featureCount,
  featureNames,
  fitPreprocessor,
  normalise,
  PER_SENSOR_FEATURES,
  type Preprocessor,
  trajectoryFeatures,
} from './features.js';
export { fitGbt, GBT_DEFAULTS, type GbtModel, type GbtOptions, predictGbt } from './gbt.js';
export { phm08Score, rmse } from './metrics.js';
export { Episode, type EpisodeSpec } from './online/events.js';
export {
  ConditionalBaseline,
  type Contributor,
  failureMode,
  type HealthAssessment,
  type HealthModelOptions,
  MachineHealthModel,
  type RulEstimate,
  signalRole,
} from './online/health.js';
export { type MachineHealth, PdmMonitor, type PdmMonitorDeps, type PdmView } from './online/monitor.js';
export { evaluationSvg } from './plot.js';
export {
  type EvaluationResult,
  evaluateSubset,
  predictRul,
  RUL_MODEL_DEFAULTS,
  type RulModel,
  type RulModelOptions,
  trainRulModel,
} from './rul.js';
export { type SyntheticOptions, syntheticCmapss, toCmapssText } from './synthetic.js';
