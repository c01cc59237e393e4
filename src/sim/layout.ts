/**
 * The plant layout: which machines exist, where (Area / Line), and their nameplates.
 *
 * A machine's `id` is its path below `Objects/DemoPlant`, joined with dots, e.g. `Machining.Line1.CNC1`.
 * The same path is the prefix of every string NodeId of that machine (see address-space.ts).
 */
export type MachineKind = 'cnc' | 'filling' | 'compressor' | 'energy-meter';

export interface MachineNameplate {
  manufacturer: string;
  model: string;
  serialNumber: string;
  yearOfConstruction: number;
}

export interface MachineDescriptor {
  id: string;
  kind: MachineKind;
  area: string;
  line: string;
  name: string;
  nameplate: MachineNameplate;
  /** For energy meters: `'*'` measures the whole plant, otherwise the name of the Area it feeds. */
  meterScope?: string;
}

/** Machines per line in scale mode. */
export const SCALE_LINE_SIZE = 10;

const NAMEPLATES: Record<MachineKind, { manufacturer: string; model: string; serialPrefix: string; year: number }> = {
  // Fictitious vendors: a demo should not pretend to be someone's real product.
  cnc: { manufacturer: 'Reuss Praezision AG', model: 'RX-500 5-Axis', serialPrefix: 'RX5', year: 2019 },
  filling: { manufacturer: 'Ticino Packtech SA', model: 'TF-24 Rotary Filler', serialPrefix: 'TF24', year: 2016 },
  compressor: { manufacturer: 'Urner Druckluft GmbH', model: 'UD-75 VSD', serialPrefix: 'UD75', year: 2018 },
  'energy-meter': { manufacturer: 'Lepontin Metering AG', model: 'LM-3P', serialPrefix: 'LM3', year: 2021 },
};

function machine(kind: MachineKind, area: string, line: string, name: string, index: number): MachineDescriptor {
  const plate = NAMEPLATES[kind];
  return {
    id: `${area}.${line}.${name}`,
    kind,
    area,
    line,
    name,
    nameplate: {
      manufacturer: plate.manufacturer,
      model: plate.model,
      serialNumber: `${plate.serialPrefix}-${String(100231 + index * 37).padStart(6, '0')}`,
      yearOfConstruction: plate.year + (index % 4),
    },
  };
}

/** The standard demo plant: three CNCs on two lines, a filling line, a compressor and energy meters. */
export function standardPlant(): MachineDescriptor[] {
  let i = 0;
  const list = [
    machine('cnc', 'Machining', 'Line1', 'CNC1', i++),
    machine('cnc', 'Machining', 'Line1', 'CNC2', i++),
    machine('cnc', 'Machining', 'Line2', 'CNC3', i++),
    machine('filling', 'Packaging', 'Filling1', 'FillingLine1', i++),
    machine('compressor', 'Utilities', 'CompressedAir', 'Compressor1', i++),
    { ...machine('energy-meter', 'Utilities', 'Energy', 'MainMeter', i++), meterScope: '*' },
    { ...machine('energy-meter', 'Utilities', 'Energy', 'MachiningMeter', i++), meterScope: 'Machining' },
    { ...machine('energy-meter', 'Utilities', 'Energy', 'PackagingMeter', i++), meterScope: 'Packaging' },
  ];
  return list;
}

/**
 * Scale mode: `count` machines in lines of ten. With three or more machines, two are utilities
 * (Compressor1 and MainMeter), one in fifty is a filling line (Area Packaging) and the rest are
 * CNCs (Area Machining), numbered CNC1..CNCn across lines Line1..LineK.
 */
export function scalePlant(count: number): MachineDescriptor[] {
  const list: MachineDescriptor[] = [];
  const utilities = count >= 3 ? 2 : 0;
  const fillers = Math.floor(count / 50);
  const cncs = count - utilities - fillers;
  let index = 0;
  for (let c = 0; c < cncs; c++) {
    const line = `Line${Math.floor(c / SCALE_LINE_SIZE) + 1}`;
    list.push(machine('cnc', 'Machining', line, `CNC${c + 1}`, index++));
  }
  for (let f = 0; f < fillers; f++) {
    const line = `Filling${Math.floor(f / SCALE_LINE_SIZE) + 1}`;
    list.push(machine('filling', 'Packaging', line, `FillingLine${f + 1}`, index++));
  }
  if (utilities > 0) {
    list.push(machine('compressor', 'Utilities', 'CompressedAir', 'Compressor1', index++));
    list.push({ ...machine('energy-meter', 'Utilities', 'Energy', 'MainMeter', index++), meterScope: '*' });
  }
  return list;
}
