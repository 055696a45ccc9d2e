/**
 * TLS and mutual TLS for both transports, from PEM files named in the settings (server side) or
 * PEM contents passed in (client side). Plaintext stays the default: nothing here runs unless a
 * certificate is configured.
 */
import * as grpc from "@grpc/grpc-js";
import { readFile } from "node:fs/promises";
import type { ServerOptions as HttpsServerOptions } from "node:https";
import { checkServerIdentity, createSecureContext, type ConnectionOptions, type PeerCertificate } from "node:tls";
import { ConfigError } from "./config-error.js";
import type { ServerConfig } from "./config.js";

/** The PEM material of a TLS server; with `clientCa`, clients must present a certificate it signed. */
export interface ServerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** CA certificates client certificates are verified against (mutual TLS). */
  readonly clientCa?: Buffer;
}

/** How a client reaches a TLS server: PEM strings or bytes. All optional. */
export interface ClientTls {
  /** CA certificates the server's certificate is verified against; default: Node's public roots. */
  readonly ca?: string | Buffer;
  /** Client certificate (chain) for mutual TLS; needs `key`. */
  readonly cert?: string | Buffer;
  /** Private key of `cert`. */
  readonly key?: string | Buffer;
  /** The name the server certificate must carry, when it differs from the address's host. */
  readonly serverName?: string;
}

/** The settings {@link loadServerTls} reads. */
export type TlsSettings = Pick<ServerConfig, "tlsCertFile" | "tlsKeyFile" | "tlsClientCaFile">;

/**
 * Reads the server's certificate, key and client CA from the files the settings name; undefined
 * when no certificate is configured (plaintext). Throws ConfigError naming the setting for a
 * half configuration, an unreadable file or a key that does not match its certificate.
 */
export async function loadServerTls(settings: TlsSettings): Promise<ServerTls | undefined> {
  const { tlsCertFile, tlsKeyFile, tlsClientCaFile } = settings;
  if (tlsCertFile === "" && tlsKeyFile === "") {
    if (tlsClientCaFile !== "") throw new ConfigError("TLS_CLIENT_CA_FILE: mutual TLS needs TLS_CERT_FILE and TLS_KEY_FILE too");
    return undefined;
  }
  if (tlsCertFile === "" || tlsKeyFile === "") throw new ConfigError("TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither");
  const cert = await readPem("TLS_CERT_FILE", tlsCertFile);
  const key = await readPem("TLS_KEY_FILE", tlsKeyFile);
  const clientCa = tlsClientCaFile === "" ? undefined : await readPem("TLS_CLIENT_CA_FILE", tlsClientCaFile);
  try {
    // Fails now, with the reason, rather than on the first handshake.
    createSecureContext({ cert, key, ...(clientCa ? { ca: clientCa } : {}) });
  } catch (error) {
    throw new ConfigError(`TLS_CERT_FILE/TLS_KEY_FILE: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return clientCa ? { cert, key, clientCa } : { cert, key };
}

/** grpc-js credentials of a TLS server; with a client CA, client certificates are required and verified. */
export function grpcServerCredentials(tls: ServerTls): grpc.ServerCredentials {
  return grpc.ServerCredentials.createSsl(tls.clientCa ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.clientCa !== undefined);
}

/** `node:https` server options; with a client CA, a connection without a valid client certificate is refused. */
export function httpsServerOptions(tls: ServerTls): HttpsServerOptions {
  if (!tls.clientCa) return { cert: tls.cert, key: tls.key };
  return { cert: tls.cert, key: tls.key, ca: tls.clientCa, requestCert: true, rejectUnauthorized: true };
}

/** grpc-js channel credentials for a TLS server (and a client certificate, for mutual TLS). */
export function grpcChannelCredentials(tls: ClientTls): grpc.ChannelCredentials {
  checkClientPair(tls);
  const verify = tls.serverName === undefined ? {} : { checkServerIdentity: serverIdentityAs(tls.serverName) };
  return grpc.credentials.createSsl(bytes(tls.ca) ?? null, bytes(tls.key) ?? null, bytes(tls.cert) ?? null, verify);
}

/** `node:tls` connect options (undici's and ws's `connect`/TLS options take the same shape). */
export function tlsConnectOptions(tls: ClientTls): ConnectionOptions {
  checkClientPair(tls);
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert, key: tls.key } : {}),
    ...(tls.serverName !== undefined ? { servername: tls.serverName } : {}),
  };
}

function checkClientPair(tls: ClientTls): void {
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new ConfigError("client TLS: cert and key go together");
}

// node:tls's own check, against the configured name instead of the dialled host.
function serverIdentityAs(serverName: string): (host: string, cert: PeerCertificate) => Error | undefined {
  return (_host, cert) => checkServerIdentity(serverName, cert);
}

async function readPem(setting: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ConfigError(`${setting}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function bytes(value: string | Buffer | undefined): Buffer | undefined {
  return value === undefined ? undefined : Buffer.isBuffer(value) ? value : Buffer.from(value);
}
