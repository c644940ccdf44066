/** The services of one province, built over one context. */
import { AdminService } from './admin';
import type { ProvinceContext } from './context';
import { HolderService } from './holder';
import { IssuanceService, OutboxRecovery } from './issuance';
import type { IssuanceHooks } from './issuance';
import { LicenceService } from './licences';
import { ProjectionListener } from './projection';
import { TrailDelivery } from './trail';
import { TrailIntake } from './trail-intake';
import { VerificationService } from './verification';
import { WebhookService } from './webhooks';

export type { ProvinceContext } from './context';

/** Every service of a province. */
export interface ProvinceServices {
  readonly ctx: ProvinceContext;
  readonly issuance: IssuanceService;
  /** Finishes ledger writes left unfinished while the gateway runs. */
  readonly outboxRecovery: OutboxRecovery;
  readonly licences: LicenceService;
  readonly holder: HolderService;
  readonly verification: VerificationService;
  readonly admin: AdminService;
  readonly webhooks: WebhookService;
  readonly projection: ProjectionListener;
  /** Sends verifications of other provinces' licences to their issuing gateways. */
  readonly trail: TrailDelivery;
  /** Receives other provinces' verifications of this province's licences. */
  readonly trailIntake: TrailIntake;
}

/** Builds the services of a province (no I/O; start the listener and delivery loops separately). */
export function createServices(
  ctx: ProvinceContext,
  options: {
    readonly hooks?: IssuanceHooks;
    readonly webhookPollMs?: number;
    readonly trailPollMs?: number;
  } = {},
): ProvinceServices {
  const issuance = new IssuanceService(ctx, options.hooks);
  const verification = new VerificationService(ctx);
  return {
    ctx,
    issuance,
    outboxRecovery: new OutboxRecovery(ctx, issuance),
    licences: new LicenceService(ctx, (id) =>
      verification.registry.invalidate({ entity: 'licence', key: id, action: 'changed here' }),
    ),
    holder: new HolderService(ctx, issuance.types),
    verification,
    admin: new AdminService(ctx),
    webhooks: new WebhookService(ctx, options.webhookPollMs),
    projection: new ProjectionListener(ctx, {
      changed: (item) => {
        if (item.entity === 'licenceType') issuance.types.clear();
        verification.registry.invalidate(item);
      },
      resync: () => {
        issuance.types.clear();
        verification.registry.invalidateAll();
      },
    }),
    trail: new TrailDelivery(ctx, options.trailPollMs),
    trailIntake: new TrailIntake(ctx),
  };
}
