/**
 * The README walk-through over HTTP on the embedded set-up (the same function runs on the real Fabric
 * network in network/src/fabric/gateways.fabric.test.ts).
 */
import { CLUSTER_START_MS, startTestCluster } from './test-support';
import { describeWalkthrough } from './walkthrough';

describeWalkthrough('embedded set-up', () => startTestCluster(), CLUSTER_START_MS);
