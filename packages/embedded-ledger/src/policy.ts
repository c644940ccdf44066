/**
 * Endorsement policies: Fabric signature policies (as written by fabric-shim's KeyEndorsementPolicy)
 * and the chaincode-level MAJORITY policy, evaluated against the set of endorsing organisations.
 */
import { common, msp } from '@hyperledger/fabric-protos';

/** A decoded signature policy, ready to evaluate. */
export interface SignaturePolicy {
  evaluate(endorsingOrgs: readonly string[]): boolean;
}

type Principal = { mspId: string; role: number } | undefined;

/** The roles an organisation's peer endorsement satisfies. */
const PEER_SATISFIES = new Set<number>([msp.MSPRole.MSPRoleType.MEMBER, msp.MSPRole.MSPRoleType.PEER]);

function decodePrincipal(p: msp.MSPPrincipal): Principal {
  // Only ROLE principals can be matched by an organisation's endorsement; others never match.
  if (p.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) return undefined;
  const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
  return { mspId: role.getMspIdentifier(), role: role.getRole() };
}

/**
 * Evaluates a rule as Fabric's cauthdsl does: each endorsement may satisfy at most one
 * signed_by leaf, and an n-out-of rule commits the endorsements used by its satisfied sub-rules.
 */
function satisfied(
  rule: common.SignaturePolicy,
  principals: Principal[],
  orgs: readonly string[],
  used: boolean[],
): boolean {
  if (rule.hasSignedBy()) {
    const principal = principals[rule.getSignedBy()];
    if (!principal || !PEER_SATISFIES.has(principal.role)) return false;
    for (let i = 0; i < orgs.length; i++) {
      if (!used[i] && orgs[i] === principal.mspId) {
        used[i] = true;
        return true;
      }
    }
    return false;
  }
  if (rule.hasNOutOf()) {
    const nOutOf = rule.getNOutOf() as common.SignaturePolicy.NOutOf;
    let count = 0;
    for (const sub of nOutOf.getRulesList()) {
      const trial = [...used];
      if (satisfied(sub, principals, orgs, trial)) {
        trial.forEach((u, i) => (used[i] = u));
        count++;
      }
    }
    return count >= nOutOf.getN();
  }
  return false;
}

/** Decodes a serialized common.SignaturePolicyEnvelope (a key's VALIDATION_PARAMETER). */
export function decodeSignaturePolicy(bytes: Uint8Array): SignaturePolicy {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
  const rule = envelope.getRule();
  const principals = envelope.getIdentitiesList().map(decodePrincipal);
  return {
    evaluate(endorsingOrgs) {
      if (!rule) return false;
      const orgs = [...new Set(endorsingOrgs)];
      return satisfied(
        rule,
        principals,
        orgs,
        orgs.map(() => false),
      );
    },
  };
}

/** The chaincode-level policy: endorsements from a strict majority of the channel's members. */
export function majorityPolicy(members: readonly string[]): SignaturePolicy {
  const memberSet = new Set(members);
  return {
    evaluate(endorsingOrgs) {
      const count = new Set(endorsingOrgs.filter((o) => memberSet.has(o))).size;
      return count * 2 > memberSet.size;
    },
  };
}
