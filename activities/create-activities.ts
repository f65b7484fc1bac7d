import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Carrier } from '../carrier/carrier.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/schema.js';
import type { HostResolver } from '../outbound/callback-url-guard.js';
import { createCallActivities } from './call-activities.js';
import { createCarrierActivities } from './carrier-activities.js';
import { createCustomerWebhookActivities } from './customer-webhook-activities.js';
import { createDatabaseActivities } from './database-activities.js';
import { createReconcileActivities } from './reconcile-activities.js';

export interface ActivityDeps {
  db: Kysely<Database>;
  carrier: Carrier;
  config: Pick<Config, 'ORG_NUMBER_LIMIT' | 'TELNYX_CONNECTION_ID' | 'DEPLOYMENT_ID' | 'CARRIER_LIST_LAG_MS' | 'ALLOW_PRIVATE_CALLBACK_URLS' | 'CALL_WEBHOOK_TIMEOUT_MS' | 'SIGNING_KEY_ENCRYPTION_KEY'>;
  /** The worker's Temporal client, in its namespace: reconciliation asks it whether a row's workflow still runs. */
  temporal: Client;
  /** Resolves customer URL hosts for the SSRF guard (stream URLs, webhooks); defaults to the system resolver. */
  resolveHost?: HostResolver;
}

/** Every activity the workflows call, bound to their dependencies. */
export function createActivities({ db, carrier, config, temporal, resolveHost }: ActivityDeps) {
  return {
    ...createDatabaseActivities({ db, config }),
    ...createCarrierActivities({ carrier, config }),
    ...createReconcileActivities({ db, carrier, temporal }),
    ...createCustomerWebhookActivities({ db, config, ...(resolveHost ? { resolveHost } : {}) }),
    ...createCallActivities({ db, carrier, config, ...(resolveHost ? { resolveHost } : {}) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
