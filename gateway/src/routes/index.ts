/** Every router of a province gateway. */
import type { MountedRouter } from '../app';
import type { ProvinceServices } from '../services';
import { adminRouters } from './admin';
import { holderRouter } from './holder';
import { licenceRouters } from './licences';
import { publicRouter } from './public';
import { trailRouter } from './trail';
import { verificationRouter } from './verifications';
import { webhookRouter } from './webhooks';

/** The routers to pass to createApp for one province. */
export function provinceRouters(services: ProvinceServices): MountedRouter[] {
  return [
    publicRouter(services),
    ...licenceRouters(services),
    holderRouter(services),
    verificationRouter(services),
    trailRouter(services),
    webhookRouter(services),
    ...adminRouters(services),
  ];
}
