/**
 * PostgreSQL array literals built directly: `pg` would quote and escape every element of a JS array,
 * which costs more than the insert itself for 50k-row batches. Numbers use JavaScript's shortest
 * round-trip form, which PostgreSQL (≥ 12) parses back to the same double.
 */

/** `{1.5,NULL,Infinity}`; NaN and `null` become NULL. */
export function floatArray(values: ArrayLike<number | null>): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] =
      v === null || v === undefined || Number.isNaN(v)
        ? 'NULL'
        : v === Number.POSITIVE_INFINITY
          ? 'Infinity'
          : v === Number.NEGATIVE_INFINITY
            ? '-Infinity'
            : Object.is(v, -0)
              ? '-0'
              : String(v);
  }
  return `{${parts.join(',')}}`;
}

/** `{1,2,3}` of integers (the caller guarantees the int4 range). */
export function intArray(values: ArrayLike<number>): string {
  return `{${Array.prototype.join.call(values, ',')}}`;
}

/** `{"a","b\"c",NULL}` */
export function textArray(values: ArrayLike<string | null | undefined>): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] = v === null || v === undefined ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  return `{${parts.join(',')}}`;
}
