/**
 * Which version of a recognition rule is in force at a time, evaluated by the verifier over the
 * rule's full version history (cached), so effective-from/to boundaries are exact and no cached
 * answer can outlive the time it was computed for.
 *
 * It must agree with the chaincode's GetEffectiveRecognition (chaincode/src/recognition.ts
 * effectiveRule); verifier.integration.test.ts compares the two on the embedded ledger. Moving that
 * function into @licence-ledger/domain would let both import one copy.
 */
import type { RecognitionRule } from '@licence-ledger/domain';

/**
 * The rule version in force at `atIso` for licences from `issuingMsp`: the newest version whose
 * effectiveFrom has been reached, unless it has ended or does not cover that province; else null.
 * Times compare as ISO-8601 UTC strings, as the chaincode compares them.
 */
export function effectiveRuleAt(
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
