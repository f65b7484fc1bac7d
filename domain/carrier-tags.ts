/**
 * Tags this service writes on the carrier's number resources. One home for their format: the
 * configuring activity writes them, reconciliation reads them.
 */

/** Every number this service configures carries it. */
export const serviceTag = 'inkbox-numbers';

/** The deployment (DEPLOYMENT_ID) that configured the number; reconciliation touches only its own. */
export const deploymentTag = (deploymentId: string) => `deployment:${deploymentId}`;

/** The organization the number was bought for. */
export const organizationTag = (organizationId: string) => `org:${organizationId}`;

/** The organization named by an `org:` tag, or null. */
export function taggedOrganization(tags: readonly string[]): string | null {
  const tag = tags.find((each) => each.startsWith('org:'));
  return tag ? tag.slice('org:'.length) || null : null;
}
