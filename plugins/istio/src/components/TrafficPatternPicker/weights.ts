/**
 * Sets one weight and spreads the rest over the others so the weights still
 * add up to 100, keeping the others' proportions (equal shares when they
 * were all zero). Whole percents, as Istio's route weights are.
 */
export function rebalanceWeights(
  weights: ReadonlyArray<number>,
  index: number,
  value: number,
): number[] {
  const target = Math.min(100, Math.max(0, Math.round(value)));
  if (weights.length < 2) return weights.map(() => 100);
  const others = weights.map((w, i) => (i === index ? 0 : Math.max(0, w)));
  const othersTotal = others.reduce((a, b) => a + b, 0);
  const rest = 100 - target;
  const shares = others.map((w, i) => {
    if (i === index) return 0;
    return othersTotal > 0
      ? (w * rest) / othersTotal
      : rest / (weights.length - 1);
  });
  // Largest remainder: round down, then hand the missing points to the
  // largest fractions so the total is exactly 100.
  const out = shares.map(Math.floor);
  out[index] = target;
  let missing = 100 - out.reduce((a, b) => a + b, 0);
  const order = shares
    .map((s, i) => ({ i, fraction: s - Math.floor(s) }))
    .filter(e => e.i !== index)
    .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  for (let k = 0; missing > 0; k = (k + 1) % order.length, missing--) {
    out[order[k].i] += 1;
  }
  return out;
}
