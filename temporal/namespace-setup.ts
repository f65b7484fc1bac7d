import { isGrpcServiceError, type Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { msToTs } from '@temporalio/common/lib/time.js';

/** A search attribute to register: its name and type, as `defineSearchAttributeKey` makes them. */
export interface SearchAttributeDefinition {
  name: string;
  type: SearchAttributeType;
}

export interface SearchAttributeSetupResult {
  added: string[];
  alreadyRegistered: string[];
}

/** gRPC status codes (from the gRPC spec; grpc-js is not a direct dependency). */
const status = { NOT_FOUND: 5, ALREADY_EXISTS: 6 } as const;

const isCode = (error: unknown, code: number) => isGrpcServiceError(error) && error.code === code;

/** Registers the namespace unless it exists (a fresh self-hosted cluster has none; Temporal Cloud's always exist). */
export async function ensureNamespace(connection: Connection, namespace: string, retentionDays = 3): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return false;
  } catch (error) {
    if (!isCode(error, status.NOT_FOUND)) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
    return true;
  } catch (error) {
    if (isCode(error, status.ALREADY_EXISTS)) return false;
    throw error;
  }
}

/**
 * Adds the attributes the namespace lacks; ones already there with the same type are fine, one there
 * with another type is an error (it cannot be changed in place).
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  definitions: readonly SearchAttributeDefinition[],
): Promise<SearchAttributeSetupResult> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const added: string[] = [];
  const alreadyRegistered: string[] = [];
  const missing: Record<string, NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>> = {};
  for (const { name, type } of definitions) {
    const wanted = encodeSearchAttributeIndexedValueType(type);
    if (wanted === undefined) throw new Error(`search attribute ${name} has an unknown type ${type}`);
    const existing = customAttributes?.[name];
    if (existing === undefined || existing === null) {
      missing[name] = wanted;
      added.push(name);
    } else if (existing !== wanted) {
      throw new Error(`search attribute ${name} exists in namespace ${namespace} with another type (wanted ${type})`);
    } else {
      alreadyRegistered.push(name);
    }
  }
  if (added.length > 0) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    } catch (error) {
      if (!isCode(error, status.ALREADY_EXISTS)) throw error;
    }
  }
  return { added, alreadyRegistered };
}

export interface NamespaceSetupOptions {
  /** How long to keep retrying while the cluster starts or a new namespace reaches the frontend's cache. */
  timeoutMs?: number;
  onRetry?: (what: string, error: unknown) => void;
}

async function retrying<T>(what: string, action: () => Promise<T>, options: NamespaceSetupOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      options.onRetry?.(what, error);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Makes sure the namespace exists and holds the search attributes; safe to run any number of times. */
export async function setupNamespace(
  connection: Connection,
  namespace: string,
  definitions: readonly SearchAttributeDefinition[],
  options: NamespaceSetupOptions = {},
): Promise<SearchAttributeSetupResult & { namespaceRegistered: boolean }> {
  const namespaceRegistered = await retrying('namespace', () => ensureNamespace(connection, namespace), options);
  const result = await retrying('search attributes', () => registerSearchAttributes(connection, namespace, definitions), options);
  return { namespaceRegistered, ...result };
}
