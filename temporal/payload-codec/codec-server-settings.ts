import { ConfigError, type Config } from '../../config/config.js';

type CodecServerConfig = Pick<Config, 'PAYLOAD_CODEC_SERVER_ADDRESS' | 'PAYLOAD_CODEC_SERVER_ORIGINS' | 'TEMPORAL_UI_PORT'>;

/** Where the codec server listens and which browser origins it answers, from the config. */
export function codecServerSettings(config: CodecServerConfig): { host: string; port: number; allowedOrigins: string[] } {
  const address = config.PAYLOAD_CODEC_SERVER_ADDRESS;
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(separator + 1));
  if (!host || !Number.isInteger(port) || port > 65535) throw new ConfigError([`PAYLOAD_CODEC_SERVER_ADDRESS: must be host:port (got ${address})`]);
  const allowedOrigins = config.PAYLOAD_CODEC_SERVER_ORIGINS
    ? config.PAYLOAD_CODEC_SERVER_ORIGINS.split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter(Boolean)
    : [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`];
  return { host, port, allowedOrigins };
}
