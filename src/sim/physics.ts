import { MACHINE_STATE_NAMES, MachineState, type MachineStateValue } from '../model/index.js';
import { isPlannedStop } from './calendar.js';
import type { MachineDescriptor, MachineKind } from './layout.js';
import { Prng } from './prng.js';
import { quantize, SIGNALS, type SignalSpec } from './signals.js';

/**
 * The plant physics: pure, seeded, no I/O and no clock of its own. The server drives it with
 * `advance(dtSeconds)` (simulated seconds) and `sample()`; tests drive it directly.
 *
 * Cause and effect:
 * - Bearing wear grows with running time and load; it raises vibration (cubic) and bearing
 *   temperature, lowers Health, and at 100 % the machine goes to Fault, then Maintenance, after
 *   which the bearing is new.
 * - Tool wear grows per part; it raises the scrap rate and the cycle time; at its limit the tool is
 *   changed (a short Setup). A finished job means a longer Setup and a new JobNumber.
 * - Random short stops (Idle); planned breaks from the shift calendar (PlannedStop).
 * - Power follows spindle load, with a base load when not running; the energy counter integrates it.
 * - Running machines draw compressed air; when the compressor faults, the pressure falls and the
 *   production machines stop (Idle) until it is back. Energy meters sum the power of what they feed.
 */
export { MACHINE_STATE_NAMES, MachineState, type MachineStateValue };

/** Fault modes accepted by `injectFault`: a failed bearing, a broken tool, an electrical trip. */
export const FAULT_MODES = ['bearing', 'tool', 'trip'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** Longest physics step; a longer `advance` is split so state changes and breaks are not skipped. */
export const MAX_STEP_S = 60;
const AMBIENT_C = 22;
/** Below this network pressure (bar) pneumatic clamps and valves do not work: production stops. */
export const MIN_AIR_PRESSURE_BAR = 5;

export interface PlantContext {
  simTimeMs: number;
  plannedStop: boolean;
  airPressureOk: boolean;
}

export type SignalValues = Record<string, number | string>;

export interface MachineModel {
  readonly descriptor: MachineDescriptor;
  readonly signals: readonly SignalSpec[];
  readonly state: MachineStateValue;
  /** Sampled, noisy, quantized values by signal path; filled by `sample()`. */
  readonly values: SignalValues;
  step(dt: number, ctx: PlantContext): void;
  sample(): void;
  /** Mean active power in kW right now (without measurement noise). */
  power(): number;
  /** Compressed air drawn right now, m³/min. */
  airDemand(): number;
  /** The fault modes this machine supports (empty: it cannot fault, e.g. an energy meter). */
  readonly faultModes: readonly FaultMode[];
  injectFault(mode: FaultMode): void;
  resetWear(): void;
  /**
   * Stops the machine for planned maintenance (state Maintenance) until `resetWear` (the job done) or
   * a backstop of 12 simulated hours, after which the job counts as done (bearing replaced).
   */
  startMaintenance(): void;
  /** Applies a write to a writable signal (a setpoint); false when the signal is not writable. */
  writeSetpoint?(path: string, value: number | string): boolean;
  /** What a real machine keeps over a power cycle: counters, totalisers, wear, setpoints. */
  persistentState(): MachineSnapshot;
  /** Restores `persistentState()`; unknown or non-finite fields are ignored. */
  restoreState(s: Readonly<MachineSnapshot>): void;
}

/** A machine's persistent state, by field name. */
export type MachineSnapshot = Record<string, number>;

/** The plant's persistent state, as kept in the demo plant's state file. */
export interface PlantSnapshot {
  version: 1;
  seed: number;
  savedAt: number;
  machines: Record<string, MachineSnapshot>;
}

/** Copies the finite numbers of `from` named in `keys` onto `into`. */
function restoreFields(into: object, from: Readonly<MachineSnapshot>, keys: readonly string[]): void {
  for (const k of keys) {
    const v = from[k];
    if (typeof v === 'number' && Number.isFinite(v)) (into as Record<string, unknown>)[k] = v;
  }
}

interface ProductionProfile {
  cycleTimeS: [number, number];
  jobQty: [number, number];
  toolLifeParts: [number, number];
  toolChangeS: [number, number];
  jobChangeS: [number, number];
  bearingLifeH: [number, number];
  meanTimeBetweenStopsS: number;
  stopS: [number, number];
  speed: [number, number];
  baseLoad: [number, number];
  standbyKW: number;
  idleKW: number;
  runBaseKW: number;
  runKWPerLoad: number;
  airM3PerMin: number;
  baseScrap: number;
  wornToolScrap: number;
}

const CNC: ProductionProfile = {
  cycleTimeS: [35, 140],
  jobQty: [150, 900],
  toolLifeParts: [180, 450],
  toolChangeS: [180, 420],
  jobChangeS: [900, 2400],
  bearingLifeH: [160, 260],
  meanTimeBetweenStopsS: 50 * 60,
  stopS: [45, 480],
  speed: [6000, 16000],
  baseLoad: [35, 70],
  standbyKW: 1.2,
  idleKW: 2.6,
  runBaseKW: 3.2,
  runKWPerLoad: 0.19,
  airM3PerMin: 0.35,
  baseScrap: 0.004,
  wornToolScrap: 0.12,
};

const FILLER: ProductionProfile = {
  cycleTimeS: [0.12, 0.16],
  jobQty: [20_000, 60_000],
  toolLifeParts: [150_000, 250_000],
  toolChangeS: [600, 1200],
  jobChangeS: [1800, 3600],
  bearingLifeH: [300, 450],
  meanTimeBetweenStopsS: 25 * 60,
  stopS: [30, 300],
  speed: [0, 0],
  baseLoad: [55, 75],
  standbyKW: 3,
  idleKW: 8,
  runBaseKW: 12,
  runKWPerLoad: 0.35,
  airM3PerMin: 2.5,
  baseScrap: 0.002,
  wornToolScrap: 0.06,
};

function lag(current: number, target: number, dt: number, tauS: number): number {
  return current + (target - current) * (1 - Math.exp(-dt / tauS));
}

function clamp(v: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, v));
}

/** Writes every signal of `specs` from `raw`, clamped to EURange and rounded to its resolution. */
function publish(specs: readonly SignalSpec[], raw: SignalValues, out: SignalValues): void {
  for (const s of specs) {
    const v = raw[s.path];
    if (v === undefined) continue;
    if (typeof v === 'string' || s.dataType === 'String') {
      out[s.path] = v;
    } else if (s.dataType === 'UInt32') {
      out[s.path] = Math.max(0, Math.floor(v)) >>> 0;
    } else {
      const ranged = s.range && s.path !== 'Energy.EnergyTotal' ? clamp(v, s.range[0], s.range[1]) : v;
      out[s.path] = s.resolution ? quantize(ranged, s.resolution) : ranged;
    }
  }
}

abstract class BaseMachine implements MachineModel {
  readonly signals: readonly SignalSpec[];
  readonly values: SignalValues = {};
  state: MachineStateValue = MachineState.Running;
  /** Seconds left in a timed state (Idle stop, Setup, Fault, Maintenance). */
  protected stateTimer = 0;
  protected faultCause: FaultMode | undefined;
  protected readonly dyn: Prng;
  protected readonly noise: Prng;
  protected energyKWh: number;
  protected runningS: number;
  protected bearingWear: number;
  protected readonly bearingLifeH: number;
  abstract readonly faultModes: readonly FaultMode[];

  constructor(
    readonly descriptor: MachineDescriptor,
    seed: number,
    index: number,
    bearingLifeH: [number, number],
  ) {
    this.signals = SIGNALS[descriptor.kind];
    this.dyn = new Prng(seed, index * 2);
    this.noise = new Prng(seed, index * 2 + 1);
    this.bearingLifeH = this.dyn.uniform(bearingLifeH[0], bearingLifeH[1]);
    this.bearingWear = this.dyn.uniform(0, 60);
    this.runningS = this.dyn.uniform(2_000, 30_000) * 3600;
    this.energyKWh = this.dyn.uniform(10_000, 200_000);
  }

  abstract step(dt: number, ctx: PlantContext): void;
  abstract sample(): void;
  abstract power(): number;

  persistentState(): MachineSnapshot {
    return { energyKWh: this.energyKWh, runningS: this.runningS, bearingWear: this.bearingWear };
  }

  restoreState(s: Readonly<MachineSnapshot>): void {
    restoreFields(this, s, ['energyKWh', 'runningS', 'bearingWear']);
  }
  airDemand(): number {
    return 0;
  }

  protected enter(state: MachineStateValue, durationS = 0): void {
    this.state = state;
    this.stateTimer = durationS;
  }

  injectFault(mode: FaultMode): void {
    if (!this.faultModes.includes(mode)) {
      throw new RangeError(`fault mode '${mode}' is not supported by ${this.descriptor.kind}`);
    }
    if (mode === 'bearing') this.bearingWear = 100;
    this.fault(mode);
  }

  protected fault(mode: FaultMode): void {
    this.faultCause = mode;
    const d =
      mode === 'bearing'
        ? this.dyn.uniform(1800, 5400)
        : mode === 'tool'
          ? this.dyn.uniform(300, 900)
          : this.dyn.uniform(300, 1200);
    this.enter(MachineState.Fault, d);
  }

  startMaintenance(): void {
    if (this.faultModes.length === 0) return; // a meter is not maintained
    this.faultCause = undefined;
    this.enter(MachineState.Maintenance, 12 * 3600);
  }

  resetWear(): void {
    this.bearingWear = 0;
    if (this.state === MachineState.Fault || this.state === MachineState.Maintenance) {
      this.faultCause = undefined;
      this.enter(MachineState.Idle, 0);
    }
  }

  /** Bearing wear per running second at the given load (percent). */
  protected wearRate(loadPct: number): number {
    return (100 / (this.bearingLifeH * 3600)) * (0.5 + loadPct / 100);
  }

  /** Fault → Maintenance (after a bearing failure) → Running, or Fault → Idle/Setup for the others. */
  protected advanceFaultTimers(dt: number, afterToolFault: () => void): boolean {
    if (this.state !== MachineState.Fault && this.state !== MachineState.Maintenance) return false;
    this.stateTimer -= dt;
    if (this.stateTimer > 0) return true;
    if (this.state === MachineState.Fault) {
      if (this.faultCause === 'bearing') {
        this.enter(MachineState.Maintenance, this.dyn.uniform(7200, 14400));
        return true;
      }
      if (this.faultCause === 'tool') afterToolFault();
      else this.enter(MachineState.Idle, this.dyn.uniform(60, 180));
      this.faultCause = undefined;
      return true;
    }
    // Maintenance done: the bearing has been replaced.
    this.bearingWear = 0;
    this.faultCause = undefined;
    this.enter(MachineState.Idle, this.dyn.uniform(300, 900));
    return true;
  }

  protected vibration(speedFraction: number): number {
    const w = this.bearingWear / 100;
    return 0.6 + 0.8 * speedFraction + 10.5 * w * w * w;
  }

  protected health(otherWear: number): number {
    return 100 - 0.85 * this.bearingWear - 0.15 * otherWear;
  }
}

class ProductionMachine extends BaseMachine {
  readonly faultModes: readonly FaultMode[] = FAULT_MODES;
  private readonly profile: ProductionProfile;
  private toolWear: number;
  private toolChangeAt: number;
  private toolLifeParts = 1;
  private good: number;
  private scrap: number;
  private partProgress = 0;
  private jobSeq = 0;
  private jobNumber = '';
  private jobQty = 0;
  private jobDone = 0;
  private idealCycleS = 1;
  private nominalSpeed = 0;
  private baseLoad = 0;
  private bearingTemp: number;
  private coolantTemp: number;
  private fillBias = 0;
  private lastFillWeight = 500;
  private readonly raw: SignalValues = {};

  constructor(descriptor: MachineDescriptor, seed: number, index: number) {
    const profile = descriptor.kind === 'filling' ? FILLER : CNC;
    super(descriptor, seed, index, profile.bearingLifeH);
    this.profile = profile;
    this.jobSeq = 10_000 + index * 1000 + this.dyn.int(0, 400);
    this.newJob();
    this.jobDone = Math.floor(this.dyn.uniform(0, 0.8) * this.jobQty);
    this.toolWear = this.dyn.uniform(0, 80);
    this.toolChangeAt = this.dyn.uniform(88, 98);
    this.good = this.dyn.int(5_000, 80_000) * (descriptor.kind === 'filling' ? 100 : 1);
    this.scrap = Math.floor(this.good * this.dyn.uniform(0.005, 0.02));
    // Start near thermal steady state so the first minutes do not show a warm-up ramp.
    const w = this.bearingWear / 100;
    this.bearingTemp = AMBIENT_C + 10 + 0.3 * this.baseLoad + 28 * w * w;
    this.coolantTemp = AMBIENT_C + 0.09 * this.baseLoad;
  }

  private newJob(): void {
    const p = this.profile;
    this.jobSeq++;
    this.jobNumber = `WO-${this.jobSeq}`;
    this.jobQty = this.dyn.int(p.jobQty[0], p.jobQty[1]);
    this.jobDone = 0;
    this.idealCycleS = this.dyn.uniform(p.cycleTimeS[0], p.cycleTimeS[1]);
    this.nominalSpeed = this.dyn.uniform(p.speed[0], p.speed[1]);
    this.baseLoad = this.dyn.uniform(p.baseLoad[0], p.baseLoad[1]);
    this.toolLifeParts = this.dyn.uniform(p.toolLifeParts[0], p.toolLifeParts[1]);
    this.fillBias = this.dyn.normal(0, 0.3);
  }

  private changeTool(): void {
    this.toolWear = 0;
    this.toolChangeAt = this.dyn.uniform(88, 98);
    this.enter(MachineState.Setup, this.dyn.uniform(this.profile.toolChangeS[0], this.profile.toolChangeS[1]));
  }

  override resetWear(): void {
    this.toolWear = 0;
    super.resetWear();
  }

  private static readonly PERSISTENT = [
    'good',
    'scrap',
    'toolWear',
    'toolChangeAt',
    'jobSeq',
    'jobQty',
    'jobDone',
    'idealCycleS',
  ] as const;

  override persistentState(): MachineSnapshot {
    const out = super.persistentState();
    for (const k of ProductionMachine.PERSISTENT) out[k] = this[k];
    return out;
  }

  override restoreState(s: Readonly<MachineSnapshot>): void {
    super.restoreState(s);
    restoreFields(this, s, ProductionMachine.PERSISTENT);
    this.jobNumber = `WO-${this.jobSeq}`;
  }

  /** The ideal cycle time is a setpoint: a shorter one makes parts faster (and the machine wear faster). */
  writeSetpoint(path: string, value: number | string): boolean {
    if (path !== 'Production.IdealCycleTime' || typeof value !== 'number' || !(value > 0)) return false;
    this.idealCycleS = value;
    this.values[path] = value;
    return true;
  }

  override injectFault(mode: FaultMode): void {
    if (mode === 'tool') this.toolWear = 100;
    super.injectFault(mode);
  }

  /** Mean spindle/drive load in percent for the current state. */
  private load(): number {
    if (this.state === MachineState.Running)
      return this.baseLoad + 10 * (this.toolWear / 100) + 6 * (this.bearingWear / 100);
    if (this.state === MachineState.Setup) return 3;
    return 0;
  }

  power(): number {
    const p = this.profile;
    switch (this.state) {
      case MachineState.Running:
        return p.runBaseKW + p.runKWPerLoad * this.load();
      case MachineState.Idle:
      case MachineState.Setup:
        return p.idleKW;
      case MachineState.PlannedStop:
        return p.standbyKW;
      case MachineState.Fault:
        return p.standbyKW * 0.8;
      default:
        return 0.3;
    }
  }

  override airDemand(): number {
    return this.state === MachineState.Running ? this.profile.airM3PerMin : 0;
  }

  step(dt: number, ctx: PlantContext): void {
    const p = this.profile;
    const s0 = this.state;
    if (!this.advanceFaultTimers(dt, () => this.changeTool())) {
      if (this.state === MachineState.Idle || this.state === MachineState.Setup) {
        this.stateTimer -= dt;
        if (this.stateTimer <= 0) this.enter(MachineState.Running);
      }
      if (this.state === MachineState.Running || this.state === MachineState.Idle) {
        if (ctx.plannedStop) this.enter(MachineState.PlannedStop);
      } else if (this.state === MachineState.PlannedStop && !ctx.plannedStop) {
        this.enter(MachineState.Running);
      }
      if (this.state === MachineState.Running && !ctx.airPressureOk) this.enter(MachineState.Idle, 30);
      if (this.state === MachineState.Running && this.dyn.happens(dt, p.meanTimeBetweenStopsS)) {
        this.enter(MachineState.Idle, this.dyn.uniform(p.stopS[0], p.stopS[1]));
      }
      if (this.state === MachineState.Running && s0 === MachineState.Running) this.run(dt);
    }
    const load = this.load();
    const running = this.state === MachineState.Running;
    const w = this.bearingWear / 100;
    const bearingTarget =
      AMBIENT_C + (running ? 10 + 0.3 * load : this.state === MachineState.Setup ? 4 : 0) + 28 * w * w;
    this.bearingTemp = lag(this.bearingTemp, bearingTarget, dt, 900);
    this.coolantTemp = lag(this.coolantTemp, AMBIENT_C + (running ? 0.09 * load : 0), dt, 1200);
    this.energyKWh += (this.power() * dt) / 3600;
  }

  private run(dt: number): void {
    const p = this.profile;
    const load = this.load();
    this.runningS += dt;
    this.bearingWear += this.wearRate(load) * dt;
    if (this.bearingWear >= 100) {
      this.bearingWear = 100;
      this.fault('bearing');
      return;
    }
    // A worn tool cuts slower: up to 8 % longer cycles.
    this.partProgress += dt / (this.idealCycleS * (1 + 0.08 * (this.toolWear / 100)));
    let n = Math.floor(this.partProgress);
    if (n <= 0) return;
    n = Math.min(n, this.jobQty - this.jobDone);
    this.partProgress -= n;
    const t = this.toolWear / 100;
    const pScrap = p.baseScrap + p.wornToolScrap * t * t * t;
    let scrap = 0;
    if (n <= 20) {
      for (let i = 0; i < n; i++) if (this.dyn.next() < pScrap) scrap++;
    } else {
      scrap = Math.round(clamp(this.dyn.normal(n * pScrap, Math.sqrt(n * pScrap * (1 - pScrap))), 0, n));
    }
    this.scrap += scrap;
    this.good += n - scrap;
    this.jobDone += n;
    this.toolWear += (n * 100) / this.toolLifeParts;
    if (this.jobDone >= this.jobQty) {
      this.newJob();
      this.partProgress = 0;
      this.enter(MachineState.Setup, this.dyn.uniform(p.jobChangeS[0], p.jobChangeS[1]));
    } else if (this.toolWear >= this.toolChangeAt) {
      this.changeTool();
    }
  }

  sample(): void {
    const n = this.noise;
    const r = this.raw;
    const running = this.state === MachineState.Running;
    const load = this.load();
    const speed = running ? this.nominalSpeed : 0;
    const vib = running
      ? this.vibration(this.descriptor.kind === 'cnc' ? speed / 16000 : 0.7) * (1 + n.normal(0, 0.04))
      : 0.05 + Math.abs(n.normal(0, 0.02));
    r['Status.OperatingHours'] = this.runningS / 3600;
    r['Energy.Power'] = this.power() * (1 + n.normal(0, 0.01));
    r['Energy.EnergyTotal'] = this.energyKWh;
    r['Production.GoodParts'] = this.good;
    r['Production.ScrapParts'] = this.scrap;
    r['Production.IdealCycleTime'] = this.idealCycleS;
    r['Production.JobNumber'] = this.jobNumber;
    r['Condition.Health'] = this.health(this.toolWear) + n.normal(0, 0.3);
    if (this.descriptor.kind === 'cnc') {
      // Cutting load follows the cycle: heavy roughing early in the part, light finishing later.
      const cycleShape = running ? 8 * Math.sin(2 * Math.PI * this.partProgress) : 0;
      r['Spindle.Speed'] = running ? speed * (1 + n.normal(0, 0.002)) : 0;
      r['Spindle.Load'] = load > 0 ? load + cycleShape + n.normal(0, 1.2) : 0;
      r['Bearing.Temperature'] = this.bearingTemp + n.normal(0, 0.08);
      r['Bearing.VibrationRMS'] = vib;
      r['Bearing.Wear'] = this.bearingWear;
      r['Coolant.Temperature'] = this.coolantTemp + n.normal(0, 0.05);
      r['Tool.Wear'] = this.toolWear;
    } else {
      const rate = running ? 60 / (this.idealCycleS * (1 + 0.08 * (this.toolWear / 100))) : 0;
      if (running) {
        const spread = 0.5 + 2.5 * (this.toolWear / 100);
        this.lastFillWeight = 500 + this.fillBias + n.normal(0, spread);
      }
      r['Filler.Speed'] = rate > 0 ? rate * (1 + n.normal(0, 0.005)) : 0;
      r['Filler.FillWeight'] = this.lastFillWeight;
      r['Filler.ValveWear'] = this.toolWear;
      r['Drive.Temperature'] = this.bearingTemp + n.normal(0, 0.08);
      r['Drive.VibrationRMS'] = vib;
      r['Drive.Wear'] = this.bearingWear;
    }
    publish(this.signals, r, this.values);
  }
}

class Compressor extends BaseMachine {
  readonly faultModes: readonly FaultMode[] = ['bearing', 'trip'];
  private pressure = 7;
  private flow = 0;
  private motorTemp = AMBIENT_C + 30;
  private readonly raw: SignalValues = {};

  constructor(
    descriptor: MachineDescriptor,
    seed: number,
    index: number,
    /** Free air delivery at full load, m³/min. */
    private readonly capacity: number,
  ) {
    super(descriptor, seed, index, [350, 500]);
  }

  /** Called by the plant before `step`: the air the production machines want. */
  demand = 0;

  get airPressureOk(): boolean {
    return this.pressure >= MIN_AIR_PRESSURE_BAR;
  }

  power(): number {
    if (this.state === MachineState.Running) return 4 + (6.2 * this.flow * 10) / 10;
    if (this.state === MachineState.Idle) return 0.25 * (4 + 6.2 * this.capacity * 0.1);
    return 0.2;
  }

  step(dt: number, _ctx: PlantContext): void {
    const available = !this.advanceFaultTimers(dt, () => this.enter(MachineState.Idle, 60));
    const leak = 0.08 * this.capacity;
    if (available) {
      if (this.state === MachineState.Idle && this.stateTimer > 0) this.stateTimer -= dt;
      else this.enter(this.demand > 0 ? MachineState.Running : MachineState.Idle);
    }
    const producing = this.state === MachineState.Running || (this.state === MachineState.Idle && this.stateTimer <= 0);
    const want = this.demand + leak;
    this.flow = producing ? Math.min(want, this.capacity) : 0;
    const target = producing ? 7.2 - 0.6 * (want / this.capacity) - (want > this.capacity ? 3 : 0) : 0.5;
    this.pressure = lag(this.pressure, target, dt, producing ? 30 : 240);
    if (this.state === MachineState.Running) {
      const load = (100 * this.flow) / this.capacity;
      this.runningS += dt;
      this.bearingWear += this.wearRate(load) * dt;
      if (this.bearingWear >= 100) {
        this.bearingWear = 100;
        this.fault('bearing');
      }
    }
    const w = this.bearingWear / 100;
    const running = this.state === MachineState.Running;
    this.motorTemp = lag(this.motorTemp, AMBIENT_C + (running ? 35 : 8) + 25 * w * w, dt, 1200);
    this.energyKWh += (this.power() * dt) / 3600;
  }

  sample(): void {
    const n = this.noise;
    const r = this.raw;
    const running = this.state === MachineState.Running;
    r['Status.OperatingHours'] = this.runningS / 3600;
    r['Air.Pressure'] = this.pressure + n.normal(0, 0.02);
    r['Air.Flow'] = this.flow > 0 ? this.flow * (1 + n.normal(0, 0.01)) : 0;
    r['Motor.Temperature'] = this.motorTemp + n.normal(0, 0.1);
    r['Motor.VibrationRMS'] = running
      ? this.vibration(0.9) * (1 + n.normal(0, 0.04))
      : 0.05 + Math.abs(n.normal(0, 0.02));
    r['Motor.Wear'] = this.bearingWear;
    r['Energy.Power'] = this.power() * (1 + n.normal(0, 0.01));
    r['Energy.EnergyTotal'] = this.energyKWh;
    r['Condition.Health'] = this.health(0) + n.normal(0, 0.3);
    publish(this.signals, r, this.values);
  }
}

class EnergyMeter extends BaseMachine {
  readonly faultModes: readonly FaultMode[] = [];
  /** Set by the plant before `step`: the summed power of what the meter feeds, kW. */
  measured = 0;
  private readonly raw: SignalValues = {};

  power(): number {
    return this.measured;
  }

  step(dt: number, _ctx: PlantContext): void {
    this.energyKWh += (this.measured * dt) / 3600;
  }

  sample(): void {
    const n = this.noise;
    const r = this.raw;
    const p = this.measured * (1 + n.normal(0, 0.002));
    const voltage = 400 + n.normal(0, 1.5);
    const pf = clamp(0.93 + n.normal(0, 0.005), 0, 1);
    r['Energy.Power'] = p;
    r['Energy.EnergyTotal'] = this.energyKWh;
    r['Electrical.Voltage'] = voltage;
    r['Electrical.Current'] = (p * 1000) / (Math.sqrt(3) * voltage * pf);
    r['Electrical.PowerFactor'] = pf;
    r['Electrical.Frequency'] = 50 + n.normal(0, 0.015);
    publish(this.signals, r, this.values);
  }
}

export interface PlantSimulationOptions {
  seed: number;
  /** Start of the simulated clock, epoch ms. */
  simStartMs: number;
}

/** Building base load (lighting, HVAC, IT) on the main meter, kW. */
const BUILDING_BASE_KW = 12;

/** The whole plant: all machine models, the shared compressed-air network and the meters. */
export class PlantSimulation {
  readonly models: readonly MachineModel[];
  simTimeMs: number;
  private readonly byId = new Map<string, MachineModel>();
  private readonly production: MachineModel[] = [];
  private readonly compressors: Compressor[] = [];
  private readonly meters: EnergyMeter[] = [];
  private readonly ctx: PlantContext;

  constructor(machines: readonly MachineDescriptor[], opts: PlantSimulationOptions) {
    this.simTimeMs = opts.simStartMs;
    const peakAir =
      machines.reduce(
        (sum, m) => sum + (m.kind === 'cnc' ? CNC.airM3PerMin : m.kind === 'filling' ? FILLER.airM3PerMin : 0),
        0,
      ) || 1;
    const compressorCount = machines.filter((m) => m.kind === 'compressor').length || 1;
    const models = machines.map((m, i): MachineModel => {
      switch (m.kind) {
        case 'cnc':
        case 'filling': {
          const model = new ProductionMachine(m, opts.seed, i);
          this.production.push(model);
          return model;
        }
        case 'compressor': {
          const model = new Compressor(m, opts.seed, i, Math.max(5, (1.4 * peakAir) / compressorCount));
          this.compressors.push(model);
          return model;
        }
        case 'energy-meter': {
          const model = new EnergyMeter(m, opts.seed, i, [1e9, 1e9]);
          this.meters.push(model);
          return model;
        }
        default:
          return assertNever(m.kind);
      }
    });
    this.models = models;
    for (const m of models) this.byId.set(m.descriptor.id, m);
    this.ctx = { simTimeMs: this.simTimeMs, plannedStop: isPlannedStop(this.simTimeMs), airPressureOk: true };
    this.updateMeters();
    this.sample();
  }

  get(machineId: string): MachineModel | undefined {
    return this.byId.get(machineId);
  }

  /** Advances the simulated clock by `dtSeconds`, in steps of at most MAX_STEP_S. */
  advance(dtSeconds: number): void {
    let left = dtSeconds;
    while (left > 1e-9) {
      const dt = Math.min(left, MAX_STEP_S);
      this.stepOnce(dt);
      left -= dt;
    }
  }

  private stepOnce(dt: number): void {
    this.simTimeMs += dt * 1000;
    const ctx = this.ctx;
    ctx.simTimeMs = this.simTimeMs;
    ctx.plannedStop = isPlannedStop(this.simTimeMs);
    ctx.airPressureOk = this.compressors.length === 0 || this.compressors.some((c) => c.airPressureOk);
    let demand = 0;
    for (const m of this.production) {
      m.step(dt, ctx);
      demand += m.airDemand();
    }
    for (const c of this.compressors) {
      c.demand = demand / this.compressors.length;
      c.step(dt, ctx);
    }
    this.updateMeters();
    for (const m of this.meters) m.step(dt, ctx);
  }

  private updateMeters(): void {
    for (const meter of this.meters) {
      const scope = meter.descriptor.meterScope ?? '*';
      let sum = scope === '*' ? BUILDING_BASE_KW : 0;
      for (const m of this.production) if (scope === '*' || m.descriptor.area === scope) sum += m.power();
      for (const c of this.compressors) if (scope === '*' || c.descriptor.area === scope) sum += c.power();
      meter.measured = sum;
    }
  }

  /** Fills every model's `values` with noisy, quantized measurements of the current state. */
  sample(): void {
    for (const m of this.models) m.sample();
  }

  /** The plant's persistent state (counters, totalisers, wear, setpoints) by machine id. */
  snapshot(seed: number, now = Date.now()): PlantSnapshot {
    const machines: Record<string, MachineSnapshot> = {};
    for (const m of this.models) machines[m.descriptor.id] = m.persistentState();
    return { version: 1, seed, savedAt: now, machines };
  }

  /**
   * Restores a snapshot: each machine of this plant found in it continues from its counters and wear,
   * as a real machine does after a power cycle. Returns how many machines were restored.
   */
  restore(s: PlantSnapshot): number {
    let n = 0;
    for (const m of this.models) {
      const ms = s.machines[m.descriptor.id];
      if (ms === undefined) continue;
      m.restoreState(ms);
      n++;
    }
    this.updateMeters();
    this.sample();
    return n;
  }
}

function assertNever(x: never): never {
  throw new Error(`unknown machine kind ${String(x)}`);
}

export type { MachineKind };
