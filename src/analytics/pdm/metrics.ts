/**
 * Scoring of remaining-useful-life predictions, as defined in the C-MAPSS evaluation protocol
 * (Saxena et al., PHM08; ../shared/datasets/cmapss/README.md). With d = predicted − true:
 * RMSE = sqrt(mean(d²)); PHM08 score = Σ exp(−d/13) − 1 for d < 0 (early) and exp(d/10) − 1 for
 * d ≥ 0 (late): late predictions cost more, because a missed maintenance is worse than an early one.
 */
export function rmse(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkSameLength(predicted, truth);
  let s = 0;
  for (let i = 0; i < predicted.length; i++) {
    const d = predicted[i]! - truth[i]!;
    s += d * d;
  }
  return Math.sqrt(s / predicted.length);
}

export function phm08Score(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkSameLength(predicted, truth);
  let s = 0;
  for (let i = 0; i < predicted.length; i++) {
    const d = predicted[i]! - truth[i]!;
    s += d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
  }
  return s;
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(`need two non-empty series of equal length, got ${a.length} and ${b.length}`);
  }
}
