import { startApiHarness, type ApiHarness } from './api-harness.js';
import { inkboxPython, runInkboxScript, type SdkReport } from './inkbox-python.js';

/**
 * Runs a test/compat script under the official Inkbox Python SDK against a fresh API harness (`harness`:
 * startApiHarness's options) as one new organization holding `handles`: the script gets the API URL, that
 * organization's API key and `prefix`. Resolves the harness (for the caller to close), the organization and
 * what the script printed; when anything fails, it closes the harness before throwing.
 * (Apart from inkbox-python.ts so that its other users do not load the whole stack.)
 */
export async function runInkboxScriptOnApi(
  script: string,
  options: { handles: string[]; prefix: string; harness?: Parameters<typeof startApiHarness>[0] },
): Promise<{ harness: ApiHarness; organization: Awaited<ReturnType<ApiHarness['newOrganization']>>; report: SdkReport }> {
  const python = await inkboxPython();
  const harness = await startApiHarness(options.harness);
  try {
    const organization = await harness.newOrganization(options.handles);
    const report = await runInkboxScript(python, script, [harness.url, organization.apiKey, options.prefix]);
    return { harness, organization, report };
  } catch (error) {
    await harness.close();
    throw error;
  }
}
