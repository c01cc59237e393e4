import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GotthardError } from '../../errors.js';

/**
 * The NASA C-MAPSS turbofan run-to-failure format (Saxena et al., PHM08): plain text, one row per
 * operating cycle, 26 space-separated numbers: unit, cycle, 3 operational settings, 21 sensors.
 */
export const CMAPSS_SETTINGS = 3;
export const CMAPSS_SENSORS = 21;
const COLUMNS = 2 + CMAPSS_SETTINGS + CMAPSS_SENSORS;

/** Sensor names in Saxena et al. 2008 order (sensor 1 … 21). */
export const CMAPSS_SENSOR_NAMES = [
  'T2',
  'T24',
  'T30',
  'T50',
  'P2',
  'P15',
  'P30',
  'Nf',
  'Nc',
  'epr',
  'Ps30',
  'phi',
  'NRf',
  'NRc',
  'BPR',
  'farB',
  'htBleed',
  'Nf_dmd',
  'PCNfR_dmd',
  'W31',
  'W32',
] as const;

/** One engine's trajectory: cycles in order, settings and sensors as row-major arrays. */
export interface UnitTrajectory {
  unit: number;
  length: number;
  /** length × 3 */
  settings: Float64Array;
  /** length × 21 */
  sensors: Float64Array;
}

export interface CmapssSubset {
  name: string;
  train: UnitTrajectory[];
  test: UnitTrajectory[];
  /** True RUL after the last test cycle of each test unit, in test-unit order. */
  testRul: Float64Array;
}

/** The environment variable that overrides the default data folder. */
export const CMAPSS_DIR_ENV = 'GOTTHARD_CMAPSS_DIR';

/**
 * The data folder: the explicit one, else `$GOTTHARD_CMAPSS_DIR`, else `../shared/datasets/cmapss`
 * relative to the working directory.
 */
export function resolveCmapssDir(explicit?: string): string {
  return resolve(explicit ?? process.env[CMAPSS_DIR_ENV] ?? '../shared/datasets/cmapss');
}

/** Parses one C-MAPSS text file; an error names the file, line and what was wrong. */
export function parseCmapss(text: string, file: string): UnitTrajectory[] {
  const rows = new Map<number, number[][]>();
  const lines = text.split('\n');
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!.trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    if (parts.length !== COLUMNS) {
      throw new GotthardError(
        'GT_CONFIG_FILE',
        `${file}:${li + 1}: expected ${COLUMNS} numbers (unit, cycle, 3 settings, 21 sensors), found ${parts.length}`,
      );
    }
    const nums = parts.map(Number);
    const bad = nums.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new GotthardError(
        'GT_CONFIG_FILE',
        `${file}:${li + 1}: column ${bad + 1} is not a number: "${parts[bad]}"`,
      );
    }
    const unit = nums[0]!;
    const list = rows.get(unit);
    if (list) list.push(nums);
    else rows.set(unit, [nums]);
  }
  const units: UnitTrajectory[] = [];
  for (const [unit, list] of rows) {
    list.sort((a, b) => a[1]! - b[1]!);
    const settings = new Float64Array(list.length * CMAPSS_SETTINGS);
    const sensors = new Float64Array(list.length * CMAPSS_SENSORS);
    list.forEach((r, i) => {
      for (let j = 0; j < CMAPSS_SETTINGS; j++) settings[i * CMAPSS_SETTINGS + j] = r[2 + j]!;
      for (let j = 0; j < CMAPSS_SENSORS; j++) sensors[i * CMAPSS_SENSORS + j] = r[2 + CMAPSS_SETTINGS + j]!;
    });
    units.push({ unit, length: list.length, settings, sensors });
  }
  units.sort((a, b) => a.unit - b.unit);
  if (units.length === 0) throw new GotthardError('GT_CONFIG_FILE', `${file}: no rows`);
  return units;
}

/**
 * Loads `train_<subset>.txt`, `test_<subset>.txt` and `RUL_<subset>.txt` from `dir`. A missing
 * folder or file is a clear error that says where it looked and how to point elsewhere.
 */
export function loadCmapssSubset(dir: string, subset: string): CmapssSubset {
  if (!/^[A-Za-z0-9_-]+$/.test(subset)) {
    throw new GotthardError('GT_CONFIG_INVALID', `subset "${subset}": expected a name like FD001`);
  }
  if (!existsSync(dir)) {
    throw new GotthardError(
      'GT_CONFIG_FILE',
      `C-MAPSS data folder not found: ${dir}; pass --data DIR or set ${CMAPSS_DIR_ENV} to the folder holding train_${subset}.txt, test_${subset}.txt and RUL_${subset}.txt`,
    );
  }
  const read = (name: string): string => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      throw new GotthardError(
        'GT_CONFIG_FILE',
        `C-MAPSS file missing: ${path} (subset ${subset} needs train_${subset}.txt, test_${subset}.txt and RUL_${subset}.txt)`,
      );
    }
    return readFileSync(path, 'utf8');
  };
  const train = parseCmapss(read(`train_${subset}.txt`), `train_${subset}.txt`);
  const test = parseCmapss(read(`test_${subset}.txt`), `test_${subset}.txt`);
  const rulLines = read(`RUL_${subset}.txt`)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const testRul = new Float64Array(rulLines.length);
  rulLines.forEach((l, i) => {
    const v = Number(l);
    if (!Number.isFinite(v) || v < 0) {
      throw new GotthardError(
        'GT_CONFIG_FILE',
        `RUL_${subset}.txt:${i + 1}: expected a non-negative number, got "${l}"`,
      );
    }
    testRul[i] = v;
  });
  if (testRul.length !== test.length) {
    throw new GotthardError(
      'GT_CONFIG_FILE',
      `RUL_${subset}.txt has ${testRul.length} lines but test_${subset}.txt has ${test.length} units; they must match`,
    );
  }
  return { name: subset, train, test, testRul };
}
