import { randomUUID } from 'node:crypto';
import { defineSearchAttributeKey } from '@temporalio/common';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { searchAttributes } from '../../domain/search-attributes.js';
import { setupNamespace } from '../../temporal/namespace-setup.js';

const projectAttributes = Object.values(searchAttributes);
const names = projectAttributes.map((key) => key.name).sort();

describe('setupNamespace (npm run temporal:setup)', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => connection?.close());

  it('when the namespace does not exist, then it is registered with every project search attribute', async () => {
    const namespace = `setup-${randomUUID()}`;

    const result = await setupNamespace(connection, namespace, projectAttributes);

    expect(result.namespaceRegistered).toBe(true);
    expect([...result.added].sort()).toEqual(names);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(names));
  });

  it('when run a second time, then it changes nothing and reports every attribute as already registered', async () => {
    const namespace = `setup-${randomUUID()}`;
    await setupNamespace(connection, namespace, projectAttributes);

    const second = await setupNamespace(connection, namespace, projectAttributes);

    expect(second.namespaceRegistered).toBe(false);
    expect(second.added).toEqual([]);
    expect([...second.alreadyRegistered].sort()).toEqual(names);
  });

  it('when an attribute exists with another type, then it fails naming the attribute', async () => {
    const namespace = `setup-${randomUUID()}`;
    await setupNamespace(connection, namespace, projectAttributes);
    const clash = defineSearchAttributeKey(searchAttributes.organizationId.name, 'INT');

    await expect(setupNamespace(connection, namespace, [clash], { timeoutMs: 0 })).rejects.toThrow(
      /OrganizationId exists .* with another type/,
    );
  });
});
