import { CMAPSS_SENSORS, CMAPSS_SETTINGS, type CmapssSubset, type UnitTrajectory } from './cmapss.js';
import { createRng } from './prng.js';

/**
 * A synthetic run-to-failure set in C-MAPSS form, for tests of paths the public subsets here do not
 * cover (multi-condition FD002/FD004 are not in the shared data folder). Each cycle flies one of
 * `conditions` regimes chosen at random (settings near six FD002-like set points); every sensor's
 * level depends strongly on the regime and weakly on a hidden, exponentially growing damage (with a
 * random initial wear, as in C-MAPSS), plus
 * noise — so a model only sees the wear after per-regime normalisation.
 */
export interface SyntheticOptions {
  trainUnits: number;
  testUnits: number;
  conditions: number;
  seed: number;
}

const SET_POINTS = [
  [0, 0, 100],
  [10, 0.25, 100],
  [20, 0.7, 100],
  [25, 0.62, 60],
  [35, 0.84, 100],
  [42, 0.84, 100],
];

export function syntheticCmapss(opts: Partial<SyntheticOptions> = {}): CmapssSubset {
  const o: SyntheticOptions = { trainUnits: 40, testUnits: 30, conditions: 6, seed: 7, ...opts };
  const rng = createRng(o.seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  // Per sensor: regime offsets (large), damage sensitivity (small, either sign) or none at all.
  const offsets = Array.from({ length: o.conditions }, () =>
    Array.from({ length: CMAPSS_SENSORS }, () => 500 + 400 * rng()),
  );
  const sens = Array.from({ length: CMAPSS_SENSORS }, (_, s) =>
    s % 4 === 3 ? 0 : (rng() < 0.5 ? -1 : 1) * (2 + 3 * rng()),
  );
  const unit = (id: number, cut: boolean): { u: UnitTrajectory; rul: number } => {
    const life = 150 + Math.floor(150 * rng());
    const length = cut ? Math.max(40, Math.floor(life * (0.3 + 0.6 * rng()))) : life;
    const initialWear = 0.2 * rng();
    const settings = new Float64Array(length * CMAPSS_SETTINGS);
    const sensors = new Float64Array(length * CMAPSS_SENSORS);
    for (let t = 0; t < length; t++) {
      const c = Math.floor(rng() * o.conditions);
      const sp = SET_POINTS[c % SET_POINTS.length]!;
      for (let j = 0; j < CMAPSS_SETTINGS; j++) settings[t * CMAPSS_SETTINGS + j] = sp[j]! + 0.002 * gauss();
      const frac = t / life;
      const damage = initialWear + ((1 - initialWear) * (Math.exp(3 * frac) - 1)) / (Math.E ** 3 - 1);
      for (let s = 0; s < CMAPSS_SENSORS; s++) {
        sensors[t * CMAPSS_SENSORS + s] = offsets[c]![s]! + sens[s]! * damage + 0.5 * gauss();
      }
    }
    return { u: { unit: id, length, settings, sensors }, rul: life - length };
  };
  const train = Array.from({ length: o.trainUnits }, (_, i) => unit(i + 1, false).u);
  const tests = Array.from({ length: o.testUnits }, (_, i) => unit(i + 1, true));
  return {
    name: `synthetic-${o.conditions}c`,
    train,
    test: tests.map((t) => t.u),
    testRul: Float64Array.from(tests.map((t) => t.rul)),
  };
}

/** The set as C-MAPSS text files (train, test, RUL), e.g. to run the CLI on it. */
export function toCmapssText(subset: CmapssSubset): { train: string; test: string; rul: string } {
  const fmt = (units: readonly UnitTrajectory[]): string =>
    units
      .map((u) => {
        const lines: string[] = [];
        for (let t = 0; t < u.length; t++) {
          const row = [u.unit, t + 1];
          for (let j = 0; j < CMAPSS_SETTINGS; j++) row.push(Number(u.settings[t * CMAPSS_SETTINGS + j]!.toFixed(4)));
          for (let s = 0; s < CMAPSS_SENSORS; s++) row.push(Number(u.sensors[t * CMAPSS_SENSORS + s]!.toFixed(4)));
          lines.push(`${row.join(' ')}  `);
        }
        return lines.join('\n');
      })
      .join('\n');
  return {
    train: `${fmt(subset.train)}\n`,
    test: `${fmt(subset.test)}\n`,
    rul: `${Array.from(subset.testRul).join('\n')}\n`,
  };
}
