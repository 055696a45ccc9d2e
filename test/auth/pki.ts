/**
 * X.509 material for the TLS tests, made with the `openssl` CLI in a temp dir: a CA with a server
 * certificate (127.0.0.1, localhost) and a client certificate, and a second, unrelated CA with a
 * client certificate of its own.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Paths of the PEM files (and their contents via `read`). */
export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Signed by `caCert`; CN=client-a. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** A second CA, unknown to the server. */
  readonly otherCaCert: string;
  /** Signed by `otherCaCert`; CN=intruder. */
  readonly otherClientCert: string;
  readonly otherClientKey: string;
  read(path: string): Buffer;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe", timeout: 20_000 });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
}

function makeLeaf(dir: string, ca: string, name: string, cn: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), `basicConstraints=CA:FALSE\n${extensions}\n`);
  openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`]);
}

/** Makes both CAs and their certificates. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), "gen-svc-pki-"));
  makeCa(dir, "ca");
  makeCa(dir, "other-ca");
  makeLeaf(dir, "ca", "server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
  makeLeaf(dir, "ca", "client", "client-a", "subjectAltName=DNS:client-a.test\nextendedKeyUsage=clientAuth");
  makeLeaf(dir, "other-ca", "intruder", "intruder", "extendedKeyUsage=clientAuth");
  const at = (file: string) => join(dir, file);
  return {
    dir,
    caCert: at("ca.crt"),
    serverCert: at("server.crt"),
    serverKey: at("server.key"),
    clientCert: at("client.crt"),
    clientKey: at("client.key"),
    otherCaCert: at("other-ca.crt"),
    otherClientCert: at("intruder.crt"),
    otherClientKey: at("intruder.key"),
    read: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
