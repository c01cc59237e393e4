import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataType, DataValue, Variant, VariantArrayType } from 'node-opcua';
import { SampleBatch } from '../../../src/model/sample.js';
import { appendDataValue, int64 } from '../../../src/sources/opcua/values.js';

describe('64-bit integers from OPC UA', () => {
  it('are numbers within ±2^53, with their sign, and exact decimal strings beyond', () => {
    const cases: [number, number, boolean, number | string][] = [
      [0, 5, true, 5],
      [0xffffffff, 0xffffffff, true, -1],
      [0xffffffff, 0xfffffffb, true, -5],
      [0x1fffff, 0xffffffff, true, 2 ** 53 - 1],
      [0x200000, 0, true, '9007199254740992'],
      [0xffe00000, 0, true, -(2 ** 53)],
      [0xffdfffff, 0xffffffff, true, '-9007199254740993'],
      [0x7fffffff, 0xffffffff, true, '9223372036854775807'],
      [0x80000000, 0, true, '-9223372036854775808'],
      [0xffffffff, 0xffffffff, false, '18446744073709551615'],
      [0x1fffff, 0xffffffff, false, 2 ** 53 - 1],
    ];
    for (const [high, low, signed, expected] of cases) {
      assert.equal(
        int64(high, low, signed),
        expected,
        `[0x${high.toString(16)}, 0x${low.toString(16)}] signed ${signed}`,
      );
    }
  });

  it('reach the batch as a value or as text, decoded the way node-opcua hands them over', () => {
    const b = new SampleBatch();
    const ts = new Date(Date.UTC(2026, 11, 6));
    const dv = (dataType: DataType, value: [number, number]) =>
      new DataValue({
        value: new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }),
        sourceTimestamp: ts,
        serverTimestamp: ts,
      });
    appendDataValue(b, 1, dv(DataType.Int64, [0xffffffff, 0xffffff9c]), 0);
    appendDataValue(b, 2, dv(DataType.UInt64, [0xffffffff, 0xffffffff]), 0);
    assert.equal(b.value[0], -100);
    assert.equal(b.text?.get(1), '18446744073709551615');
    assert.equal(b.sourceTs[1], ts.getTime());
  });
});
