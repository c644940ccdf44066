/**
 * Jest set-up for every project: FC_NUM_RUNS=<n> raises the number of runs of every fast-check
 * property that does not set its own, for a soak run that shakes out rare counterexamples
 * (`FC_NUM_RUNS=5000 npm run test:unit`). Without it, fast-check's default (100) applies.
 */
import fc from 'fast-check';

const runs = process.env.FC_NUM_RUNS;
if (runs !== undefined && runs !== '') {
  const n = Number(runs);
  if (!Number.isInteger(n) || n < 1) throw new Error(`FC_NUM_RUNS must be a positive integer, got '${runs}'`);
  fc.configureGlobal({ numRuns: n });
}
