import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAssetTree } from '../../src/model/assets.js';
import { pathGlob } from '../../src/model/glob.js';
import { SampleBatch } from '../../src/model/sample.js';
import { qualityOf, STATUS_BAD_NO_COMMUNICATION, statusName } from '../../src/model/status.js';
import { toSegment } from '../../src/model/tag.js';

describe('model', () => {
  it('turns browse names into UNS path segments', () => {
    const cases: [string, string][] = [
      ['VibrationRMS', 'vibration_rms'],
      ['Temperature', 'temperature'],
      ['CNC1', 'cnc1'],
      ['Line1', 'line1'],
      ['EnergyTotal', 'energy_total'],
      ['MachineryItemState', 'machinery_item_state'],
      ['Bearing Temperature', 'bearing_temperature'],
      ['Zürich Süd', 'zurich_sud'],
      ['Flow (m³/h)', 'flow_m3_h'],
    ];
    for (const [input, out] of cases) assert.equal(toSegment(input), out, input);
  });

  it('names StatusCodes and their severity', () => {
    assert.equal(statusName(0), 'Good');
    assert.equal(statusName(STATUS_BAD_NO_COMMUNICATION), 'BadNoCommunication');
    assert.equal(statusName(0x40930000), 'UncertainSensorNotAccurate');
    assert.equal(qualityOf(0x40930000), 'Uncertain');
    assert.equal(qualityOf(0x80000000), 'Bad');
    // info bits (low 16) do not hide the name
    assert.equal(statusName(0x00000400), 'Good');
  });

  it('grows sample batches and keeps text values apart', () => {
    const b = new SampleBatch(2);
    for (let i = 0; i < 5; i++) b.push(i, 1000 + i, 1001 + i, i * 1.5, 0);
    b.pushText(9, 2000, 2001, 'JOB-1', 0);
    b.push(3, 3000, 3001, Number.NaN, STATUS_BAD_NO_COMMUNICATION);
    assert.equal(b.length, 7);
    assert.equal(b.valueAt(4), 6);
    assert.equal(b.valueAt(5), 'JOB-1');
    assert.equal(b.valueAt(6), null);
    assert.equal(b.status[6], STATUS_BAD_NO_COMMUNICATION);
  });

  it('builds the ISA-95 tree from config and tag asset paths', () => {
    const tree = buildAssetTree(
      {
        enterprise: { id: 'acme', name: 'ACME' },
        sites: [{ id: 'zurich', name: 'Zürich', areas: [{ id: 'machining', lines: [{ id: 'line1', machines: [] }] }] }],
      },
      [
        { assetPath: 'acme/zurich/machining/line1/cnc1' },
        { assetPath: 'acme/zurich/machining/line1/cnc1' },
        { assetPath: 'acme/zurich/machining/line2/cnc3' },
        { assetPath: 'other/ignored' },
      ],
    );
    assert.equal(tree.name, 'ACME');
    const site = tree.children[0];
    assert.equal(site?.level, 'site');
    assert.equal(site?.name, 'Zürich');
    const lines = site?.children[0]?.children ?? [];
    assert.deepEqual(
      lines.map((l) => [l.path, l.level, l.children.map((m) => [m.id, m.level, m.tagCount])]),
      [
        ['acme/zurich/machining/line1', 'line', [['cnc1', 'machine', 2]]],
        ['acme/zurich/machining/line2', 'line', [['cnc3', 'machine', 1]]],
      ],
    );
  });
});

describe('path globs (tag ids, asset paths, browse paths)', () => {
  const m = (glob: string, path: string) => pathGlob(glob).test(path);
  it('`*` stays inside one segment, `?` is one character, `**` spans segments (also none)', () => {
    assert.equal(m('acme/*/cnc1', 'acme/zurich/cnc1'), true);
    assert.equal(m('acme/*/cnc1', 'acme/zurich/line1/cnc1'), false);
    assert.equal(m('acme/zurich/cnc?', 'acme/zurich/cnc1'), true);
    assert.equal(m('acme/zurich/cnc?', 'acme/zurich/cnc12'), false);
    assert.equal(m('acme/**/spindle/*', 'acme/zurich/line1/cnc1/spindle/speed'), true);
    assert.equal(m('acme/**/spindle/*', 'acme/spindle/speed'), true);
    assert.equal(m('acme/**', 'acme/zurich/line1'), true);
  });
  it('matches the whole path, case-sensitively, and takes other characters literally', () => {
    assert.equal(m('acme/zurich', 'acme/zurich/cnc1'), false);
    assert.equal(m('acme/zurich', 'ACME/zurich'), false);
    assert.equal(m('line[1]/a.b+c', 'line[1]/a.b+c'), true);
    assert.equal(m('line[1]/a.b+c', 'line1/aXb+c'), false);
  });
});
