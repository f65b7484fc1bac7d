import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';
import { temporalConnectionOptions } from '../../temporal/connection-options.js';
import { makeTestCertificates } from '../support/tls-certificates.js';

const certificates = makeTestCertificates();
const optionsFrom = (env: NodeJS.ProcessEnv) => temporalConnectionOptions(loadConfig(env));
const pemPaths = [certificates.caPath, certificates.clientCertPath, certificates.clientKeyPath];
/** The env naming the CA, the client certificate and the client key, in that order, each set to `value(its path)`. */
const pems = (names: [string, string, string], value: (path: string) => string = (path) => path) =>
  Object.fromEntries(names.map((name, i) => [name, value(pemPaths[i]!)]));
const aliasPaths = pems(['TEMPORAL_TLS_CA_PATH', 'TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH']);

describe('temporalConnectionOptions', () => {
  it('when nothing about TLS is set, then it connects in plain text to TEMPORAL_ADDRESS or 127.0.0.1:7233', () => {
    expect(optionsFrom({})).toEqual({ address: '127.0.0.1:7233' });
    expect(optionsFrom({ TEMPORAL_ADDRESS: 'temporal:7233' })).toEqual({ address: 'temporal:7233' });
  });

  it('when TEMPORAL_TLS is true, then TLS is on with the system CAs and nothing else', () => {
    expect(optionsFrom({ TEMPORAL_TLS: 'true' })).toEqual({ address: '127.0.0.1:7233', tls: {} });
  });

  it('when a Temporal Cloud API key is set, then TLS is on and the key is passed', () => {
    const options = optionsFrom({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret' });

    expect(options).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'secret' });
  });

  it('when the CA, the client pair and a server name are set, then their files are read into the TLS config', () => {
    const options = optionsFrom({ ...aliasPaths, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });

    expect(options.tls).toEqual({
      serverRootCACertificate: certificates.read(certificates.caPath),
      clientCertPair: { crt: certificates.read(certificates.clientCertPath), key: certificates.read(certificates.clientKeyPath) },
      serverNameOverride: 'temporal.internal',
    });
  });

  it('when Temporal\'s standard names are set instead of the aliases, then the TLS config is the same', () => {
    const standard = optionsFrom(pems(['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH']));
    const aliases = optionsFrom(aliasPaths);

    expect(standard.tls?.clientCertPair?.crt).toEqual(certificates.read(certificates.clientCertPath));
    expect(standard).toEqual(aliases);
  });

  it('when the PEMs are given as text (*_DATA), then that text is the TLS config', () => {
    const text = (path: string) => certificates.read(path).toString('utf8');
    const options = optionsFrom(pems(['TEMPORAL_TLS_SERVER_CA_CERT_DATA', 'TEMPORAL_TLS_CLIENT_CERT_DATA', 'TEMPORAL_TLS_CLIENT_KEY_DATA'], text));

    const pem = (path: string) => Buffer.from(text(path).trim());
    expect(options.tls).toEqual({
      serverRootCACertificate: pem(certificates.caPath),
      clientCertPair: { crt: pem(certificates.clientCertPath), key: pem(certificates.clientKeyPath) },
    });
  });

  it('when TEMPORAL_TLS is false with an API key, then the key is sent without TLS, as the temporal CLI does', () => {
    expect(optionsFrom({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'secret' })).toEqual({ address: '127.0.0.1:7233', apiKey: 'secret' });
  });

  it('when a PEM path does not exist, then a ConfigError names the key and the path', () => {
    const config = loadConfig({ TEMPORAL_TLS_CA_PATH: '/nonexistent/ca.pem' });

    expect(() => temporalConnectionOptions(config)).toThrow(ConfigError);
    expect(() => temporalConnectionOptions(config)).toThrow(/TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read \/nonexistent\/ca\.pem/);
  });

  it('when only one half of the client pair is set, under either name, then loading the config fails naming the missing key', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: certificates.clientCertPath })).toThrow(/TEMPORAL_TLS_CLIENT_KEY_PATH: must be set with the client certificate/);
    expect(() => loadConfig({ TEMPORAL_TLS_CLIENT_KEY_PATH: certificates.clientKeyPath })).toThrow(/TEMPORAL_TLS_CLIENT_CERT_PATH: must be set with the client key/);
  });
});
