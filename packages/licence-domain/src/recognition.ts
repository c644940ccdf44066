/**
 * Which version of a province's recognition rule is in force at a time. The chaincode answers
 * GetEffectiveRecognition with it, and verifiers evaluate it over a cached rule history, so both
 * must use this one definition.
 */
import type { RecognitionRule } from './model';

/**
 * The rule version in force at `atIso` for licences from `issuingMsp`: the newest version whose
 * effectiveFrom has been reached, unless it has ended or does not cover that province; else null.
 * Times compare as ISO-8601 UTC strings with millisecond precision.
 */
export function effectiveRule(
  history: readonly RecognitionRule[],
  issuingMsp: string,
  atIso: string,
): RecognitionRule | null {
  let inForce: RecognitionRule | undefined;
  for (const rule of history) {
    if (rule.effectiveFrom <= atIso && (inForce === undefined || rule.version > inForce.version)) {
      inForce = rule;
    }
  }
  if (inForce === undefined) return null;
  if (inForce.effectiveTo !== undefined && atIso >= inForce.effectiveTo) return null;
  if (!inForce.issuingMsps.includes('*') && !inForce.issuingMsps.includes(issuingMsp)) return null;
  return inForce;
}
