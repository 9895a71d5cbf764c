/**
 * HTTPS on a LAN without a public domain (README, HTTPS on a LAN):
 *
 *   npm run tls:local [-- --name chat.warehouse.lan --ip 10.0.5.20]
 *
 * Makes a certificate authority of this install (DATA_DIR/tls/ca.key and ca.crt, kept and reused)
 * and a server certificate signed by it (DATA_DIR/tls/server.key and server.crt) for every name
 * and address this machine answers on, plus any given. Each device trusts the authority once
 * (/install-certificate); running this again renews the server certificate under the same
 * authority, so those devices keep working. Uses the openssl command-line tool.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { EnvError, parseEnv } from "~/server/env";

/** Apple refuses a server certificate valid for longer than this (CAs added by a user included). */
const SERVER_DAYS = 825;
const CA_DAYS = 3650;

function fail(message: string): never {
  console.error(`[tls:local] ${message}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: { name: { type: "string", multiple: true, default: [] }, ip: { type: "string", multiple: true, default: [] } },
  strict: true,
});

// Only what this needs, not getEnv(): TLS_CERT and TLS_KEY may name the very files this is about
// to write, missing or out of date, and that is a reason to run it rather than a reason to stop.
let env;
try {
  env = parseEnv({ DATA_DIR: process.env.DATA_DIR, PORT: process.env.PORT, HTTP_PORT: process.env.HTTP_PORT });
} catch (error) {
  fail(error instanceof EnvError ? error.message : String(error));
}

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const extraNames = values.name.map((name) => name.trim().toLowerCase());
for (const name of extraNames) if (!DNS_NAME.test(name) || net.isIP(name)) fail(`--name ${JSON.stringify(name)} is not a host name (an address goes in --ip).`);
const extraIps = values.ip.map((ip) => ip.trim().toLowerCase());
for (const ip of extraIps) if (!net.isIP(ip)) fail(`--ip ${JSON.stringify(ip)} is not an IPv4 or IPv6 address.`);

const hostname = os.hostname().toLowerCase();
const lanAddresses = Object.values(os.networkInterfaces())
  .flat()
  .filter((address) => address && !address.internal)
  .map((address) => address!.address.toLowerCase());
// `<host>.local` is how mDNS (Bonjour, Avahi) names the machine: its first label only.
const hostnames = DNS_NAME.test(hostname) ? [hostname, `${hostname.split(".")[0]}.local`] : [];
const names = [...new Set(["localhost", ...hostnames, ...extraNames])];
const ips = [...new Set(["127.0.0.1", "::1", ...lanAddresses, ...extraIps])];

const dir = path.resolve(env.DATA_DIR, "tls");
const files = {
  caKey: path.join(dir, "ca.key"),
  caCert: path.join(dir, "ca.crt"),
  key: path.join(dir, "server.key"),
  cert: path.join(dir, "server.crt"),
};

function openssl(args: string[], input?: string): string {
  try {
    return execFileSync("openssl", args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === "ENOENT") fail("The openssl command is needed (apt-get install openssl).");
    fail(`openssl ${args[0]} failed: ${String(stderr ?? (error as Error).message).trim()}`);
  }
}

// Whatever is half-made goes when this ends, however it ends (fail() exits at once).
const leftovers = new Set<string>();
process.on("exit", () => {
  for (const file of leftovers) fs.rmSync(file, { recursive: true, force: true });
});

/** Written under a temporary name, renamed into place by the caller once all is made. */
function partialFile(file: string, content: string, mode = 0o644) {
  const partial = `${file}.${process.pid}.part`;
  leftovers.add(partial);
  fs.writeFileSync(partial, content, { mode });
  return partial;
}

/** A new P-256 key, readable by this user only (it never exists with a wider mode). */
function writeNewKey(file: string) {
  return partialFile(file, openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]), 0o600);
}

function moveIntoPlace(partial: string, file: string) {
  fs.renameSync(partial, file);
  leftovers.delete(partial);
}

// openssl's own configuration file (and a distribution's changes to it) plays no part: every
// extension is named here.
const work = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-tls-"));
leftovers.add(work);
const config = path.join(work, "openssl.cnf");
fs.writeFileSync(
  config,
  [
    "[req]",
    "distinguished_name = dn",
    "prompt = no",
    "[dn]",
    "CN = Floorchat",
    "[ca]",
    "basicConstraints = critical, CA:TRUE",
    "keyUsage = critical, keyCertSign, cRLSign",
    "subjectKeyIdentifier = hash",
    "[server]",
    "basicConstraints = CA:FALSE",
    "keyUsage = critical, digitalSignature",
    "extendedKeyUsage = serverAuth",
    "subjectKeyIdentifier = hash",
    "authorityKeyIdentifier = keyid",
    `subjectAltName = ${[...names.map((name) => `DNS:${name}`), ...ips.map((ip) => `IP:${ip}`)].join(", ")}`,
    "",
  ].join("\n"),
);

{
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const hasKey = fs.existsSync(files.caKey);
  const hasCert = fs.existsSync(files.caCert);
  if (hasKey !== hasCert) {
    fail(
      `${dir} has ${hasKey ? "ca.key but no ca.crt" : "ca.crt but no ca.key"}. Restore the missing file from a backup, ` +
        "or remove the other to make a new authority (every device must then trust the new one).",
    );
  }
  const isNewAuthority = !hasKey;
  if (isNewAuthority) {
    const partialKey = writeNewKey(files.caKey);
    // Its name says whose it is, on the device's list of trusted authorities.
    const subject = `/CN=Floorchat local CA (${hostname.split(".")[0] || "server"})/O=Floorchat`;
    const pem = openssl(["req", "-config", config, "-x509", "-new", "-key", partialKey, "-sha256", "-days", String(CA_DAYS), "-subj", subject, "-extensions", "ca"]);
    const partialCert = partialFile(files.caCert, pem);
    moveIntoPlace(partialKey, files.caKey);
    moveIntoPlace(partialCert, files.caCert);
  } else {
    fs.chmodSync(files.caKey, 0o600);
  }
  const authority = new X509Certificate(fs.readFileSync(files.caCert));
  if (!authority.ca) fail(`${files.caCert} is not a certificate authority.`);

  const isRenewal = fs.existsSync(files.cert);
  const partialKey = writeNewKey(files.key);
  const request = openssl(["req", "-config", config, "-new", "-key", partialKey, "-subj", `/CN=${names[1] ?? "localhost"}`]);
  // A random serial: a renewed certificate must never repeat one the authority has issued.
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const pem = openssl(
    ["x509", "-req", "-CA", files.caCert, "-CAkey", files.caKey, "-set_serial", `0x${serial.toString("hex")}`, "-days", String(SERVER_DAYS), "-sha256", "-extfile", config, "-extensions", "server"],
    request,
  );
  // Key and certificate replaced together, each by a rename: a server starting meanwhile reads
  // either pair whole (env.ts refuses a key that is not the certificate's).
  const partialCert = partialFile(files.cert, pem);
  moveIntoPlace(partialKey, files.key);
  moveIntoPlace(partialCert, files.cert);
  const server = new X509Certificate(pem);

  const lanAddress = extraNames[0] ?? extraIps[0] ?? lanAddresses.find((ip) => net.isIPv4(ip)) ?? "localhost";
  const host = net.isIPv6(lanAddress) ? `[${lanAddress}]` : lanAddress;
  const httpPort = env.HTTP_PORT ?? (env.PORT === 8080 ? 8081 : 8080);
  const publicUrl = `https://${host}${env.PORT === 443 ? "" : `:${env.PORT}`}`;
  const pageUrl = `http://${host}${httpPort === 80 ? "" : `:${httpPort}`}/install-certificate`;

  console.log(`[tls:local] Certificate authority ${isNewAuthority ? "made" : "kept"}: ${files.caCert}`);
  console.log(`[tls:local]   SHA-256 fingerprint ${authority.fingerprint256}`);
  console.log(`[tls:local]   valid until ${new Date(authority.validTo).toISOString().slice(0, 10)}; keep ${files.caKey} secret (it can vouch for any site to the devices that trust it)`);
  console.log(`[tls:local] Server certificate ${isRenewal ? "renewed" : "made"}: ${files.cert}`);
  console.log(`[tls:local]   for ${[...names, ...ips].join(", ")}`);
  console.log(`[tls:local]   valid until ${new Date(server.validTo).toISOString().slice(0, 10)}: run this again before then, and restart the server`);
  if (new Date(authority.validTo) < new Date(server.validTo)) {
    console.warn(`[tls:local] Warning: the authority expires before the server certificate; devices stop trusting it on ${new Date(authority.validTo).toISOString().slice(0, 10)}.`);
  }
  console.log("");
  console.log("Add to the server's environment, then restart it:");
  console.log(`  TLS_CERT=${files.cert}`);
  console.log(`  TLS_KEY=${files.key}`);
  console.log(`  PUBLIC_URL=${publicUrl}`);
  console.log(`  HTTP_PORT=${httpPort}`);
  console.log("");
  console.log(`On each device, open ${pageUrl} once and trust the certificate it offers.`);
}
