import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * /install-certificate: how a tablet comes to trust the local certificate authority that
 * `npm run tls:local` made (README, HTTPS on a LAN). A raw page rather than a Next page: it is
 * served on the plain-http port too, to devices that cannot open the https one yet, and it must
 * not need a build. The app's Content-Security-Policy applies to it (security-headers.ts): it has
 * no script, and its only style is inline (style-src allows 'unsafe-inline').
 */

export const INSTALL_CERTIFICATE_PATH = "/install-certificate";
const CA_PATH = `${INSTALL_CERTIFICATE_PATH}/ca.crt`;
// The page names its own icon: without one the browser asks for /favicon.ico, which the
// plain-http port sends to https, another origin that the CSP's img-src 'self' refuses.
const ICON_PATH = `${INSTALL_CERTIFICATE_PATH}/icon.svg`;

export function isInstallCertificatePath(pathname: string): boolean {
  return pathname === INSTALL_CERTIFICATE_PATH || pathname === `${INSTALL_CERTIFICATE_PATH}/` || pathname === CA_PATH || pathname === ICON_PATH;
}

type Language = "en" | "pl";

/** Polish when the browser ranks it above every other language, else English. */
export function pageLanguage(acceptLanguage: string | undefined): Language {
  let best: { tag: string; q: number } | null = null;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const [tag = "", ...params] = part.trim().toLowerCase().split(";");
    if (!tag) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    // The first of equal rank wins: that is the order the person listed them in.
    if (!best || q > best.q) best = { tag, q };
  }
  return best && (best.tag === "pl" || best.tag.startsWith("pl-")) ? "pl" : "en";
}

type Certificate = { pem: string; sha256: string; sha1: string; subject: string };

/** The authority's certificate, or null when there is none (or what is there is no certificate). */
function readAuthority(caFile: string): Certificate | null {
  try {
    const pem = fs.readFileSync(caFile, "utf8");
    const certificate = new X509Certificate(pem);
    const commonName = /^CN=(.*)$/m.exec(certificate.subject)?.[1] ?? certificate.subject;
    return { pem, sha256: certificate.fingerprint256, sha1: certificate.fingerprint, subject: commonName };
  } catch {
    return null;
  }
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

type Texts = {
  title: string;
  intro: (url: string) => string;
  download: string;
  open: string;
  none: string;
  checkTitle: string;
  check: string;
  sha1: string;
  platforms: { name: string; steps: (url: string, authority: string) => string[] }[];
};

// Every string is HTML: the callers' values (URL, the authority's name) arrive escaped. The only
// links are the two buttons: a link inside a sentence would be a target smaller than 48 px.
const TEXTS: Record<Language, Texts> = {
  en: {
    title: "Trust this server’s certificate",
    intro: (url) =>
      `Floorchat on this network has a certificate from its own certificate authority. Install that authority once on each device: then the browser opens <strong>${url}</strong> without warnings, and the camera, offline use and notifications work.`,
    download: "Download the certificate",
    open: "Open Floorchat",
    none: "This server has no local certificate authority, so there is nothing to install here. Its administrator makes one with <code>npm run tls:local</code>.",
    checkTitle: "Check the fingerprint",
    check:
      "After installing, the certificate’s details on the device show its fingerprint. Compare it with the one your administrator has (<code>npm run tls:local</code> prints it). If they differ, remove the certificate and tell them.",
    sha1: "SHA-1 (Windows calls it “Thumbprint”)",
    platforms: [
      {
        name: "Android",
        steps: (url) => [
          "Tap <strong>Download the certificate</strong> above.",
          "Open <strong>Settings → Security and privacy → More security settings → Encryption and credentials → Install a certificate → CA certificate</strong>. The names differ between makers: search Settings for “CA certificate”.",
          "Tap <strong>Install anyway</strong>, confirm with your screen lock and choose <strong>floorchat-ca.crt</strong> from Downloads.",
          `Open <strong>${url}</strong> in Chrome.`,
        ],
      },
      {
        name: "iPhone and iPad",
        steps: (url, authority) => [
          "Open this page in <strong>Safari</strong>, tap <strong>Download the certificate</strong> and <strong>Allow</strong> the configuration profile.",
          "Open <strong>Settings → Profile Downloaded</strong> (or <strong>Settings → General → VPN &amp; Device Management</strong>), tap the profile, then <strong>Install</strong>, and enter the passcode.",
          `Open <strong>Settings → General → About → Certificate Trust Settings</strong> and turn on full trust for <strong>${authority}</strong>.`,
          `Open <strong>${url}</strong> in Safari.`,
        ],
      },
      {
        name: "Windows",
        steps: (url) => [
          "Download the certificate, open it and choose <strong>Install Certificate…</strong>",
          "Store location: <strong>Current User</strong> (or <strong>Local Machine</strong> for everyone on this PC), then <strong>Next</strong>.",
          "Choose <strong>Place all certificates in the following store → Browse → Trusted Root Certification Authorities</strong>, then <strong>OK → Next → Finish</strong>, and <strong>Yes</strong> to the warning.",
          `Restart the browser (Chrome, Edge) and open <strong>${url}</strong>.`,
        ],
      },
    ],
  },
  pl: {
    title: "Zaufaj certyfikatowi tego serwera",
    intro: (url) =>
      `Floorchat w tej sieci ma certyfikat od własnego urzędu certyfikacji. Zainstaluj ten urząd raz na każdym urządzeniu: potem przeglądarka otworzy <strong>${url}</strong> bez ostrzeżeń, a aparat, praca offline i powiadomienia będą działać.`,
    download: "Pobierz certyfikat",
    open: "Otwórz Floorchat",
    none: "Ten serwer nie ma lokalnego urzędu certyfikacji, więc nie ma tu czego instalować. Administrator tworzy go poleceniem <code>npm run tls:local</code>.",
    checkTitle: "Sprawdź odcisk cyfrowy",
    check:
      "Po instalacji szczegóły certyfikatu na urządzeniu pokazują jego odcisk cyfrowy. Porównaj go z tym, który ma administrator (wypisuje go <code>npm run tls:local</code>). Jeśli się różnią, usuń certyfikat i daj znać administratorowi.",
    sha1: "SHA-1 (w Windows: „Odcisk palca”)",
    platforms: [
      {
        name: "Android",
        steps: (url) => [
          "Stuknij <strong>Pobierz certyfikat</strong> powyżej.",
          "Otwórz <strong>Ustawienia → Bezpieczeństwo i prywatność → Więcej ustawień zabezpieczeń → Szyfrowanie i dane logowania → Zainstaluj certyfikat → Certyfikat CA</strong>. Nazwy różnią się u producentów: wyszukaj w Ustawieniach „certyfikat CA”.",
          "Stuknij <strong>Zainstaluj mimo to</strong>, potwierdź blokadą ekranu i wybierz <strong>floorchat-ca.crt</strong> z Pobranych.",
          `Otwórz <strong>${url}</strong> w Chrome.`,
        ],
      },
      {
        name: "iPhone i iPad",
        steps: (url, authority) => [
          "Otwórz tę stronę w <strong>Safari</strong>, stuknij <strong>Pobierz certyfikat</strong> i <strong>Zezwól</strong> na profil konfiguracji.",
          "Otwórz <strong>Ustawienia → Pobrano profil</strong> (albo <strong>Ustawienia → Ogólne → VPN i urządzenia zarządzane</strong>), stuknij profil, potem <strong>Zainstaluj</strong> i wpisz kod.",
          `Otwórz <strong>Ustawienia → Ogólne → To urządzenie → Ustawienia zaufania certyfikatów</strong> i włącz pełne zaufanie dla <strong>${authority}</strong>.`,
          `Otwórz <strong>${url}</strong> w Safari.`,
        ],
      },
      {
        name: "Windows",
        steps: (url) => [
          "Pobierz certyfikat, otwórz go i wybierz <strong>Zainstaluj certyfikat…</strong>",
          "Lokalizacja magazynu: <strong>Bieżący użytkownik</strong> (albo <strong>Komputer lokalny</strong> dla wszystkich na tym komputerze), potem <strong>Dalej</strong>.",
          "Wybierz <strong>Umieść wszystkie certyfikaty w następującym magazynie → Przeglądaj → Zaufane główne urzędy certyfikacji</strong>, potem <strong>OK → Dalej → Zakończ</strong> i <strong>Tak</strong> przy ostrzeżeniu.",
          `Uruchom ponownie przeglądarkę (Chrome, Edge) i otwórz <strong>${url}</strong>.`,
        ],
      },
    ],
  },
};

// Phone first (390 px), system fonts, 48 px targets, light and dark.
const STYLE = `
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #fff; --muted: #555; --accent: #0b57d0; --box: #f1f3f4; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8eaed; --bg: #121212; --muted: #b0b3b8; --accent: #8ab4f8; --box: #202124; } }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; }
.button { display: flex; margin: 1rem 0; align-items: center; justify-content: center; min-height: 48px; padding: 0.75rem 1.25rem; border-radius: 0.5rem; background: var(--accent); color: var(--bg); font-weight: 600; text-decoration: none; }
ol { padding-left: 1.5rem; }
li { margin: 0.5rem 0; }
dl { background: var(--box); border-radius: 0.5rem; padding: 0.75rem 1rem; }
dt { color: var(--muted); font-size: 0.9rem; }
dd { margin: 0 0 0.5rem; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; }
`;

function renderPage(language: Language, appUrl: string, authority: Certificate | null): string {
  const t = TEXTS[language];
  const url = escape(appUrl);
  const body = authority
    ? [
        `<p>${t.intro(url)}</p>`,
        `<p><a class="button" href="${CA_PATH}">${t.download}</a></p>`,
        ...t.platforms.map(
          (platform) => `<h2>${platform.name}</h2><ol>${platform.steps(url, escape(authority.subject)).map((step) => `<li>${step}</li>`).join("")}</ol>`,
        ),
        `<h2>${t.checkTitle}</h2>`,
        `<p>${t.check}</p>`,
        `<dl><dt>SHA-256</dt><dd id="sha256">${authority.sha256}</dd><dt>${t.sha1}</dt><dd id="sha1">${authority.sha1}</dd></dl>`,
        `<p><a class="button" href="${url}">${t.open}</a></p>`,
      ].join("\n")
    : `<p>${t.none}</p>`;
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title} · Floorchat</title>
<link rel="icon" href="${ICON_PATH}" type="image/svg+xml">
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${t.title}</h1>
${body}
</main>
</body>
</html>
`;
}

/**
 * Serves the page and the authority's certificate, read from `caFile` on each request (a few
 * hundred bytes), so a new authority needs no restart.
 */
export function createInstallCertificateHandler(options: { caFile: string; appUrl: string; iconFile: string }) {
  return (req: IncomingMessage, res: ServerResponse, pathname: string): void => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "Content-Type": "text/plain; charset=utf-8", Allow: "GET, HEAD" }).end("Use GET");
      return;
    }
    if (pathname === ICON_PATH) {
      fs.readFile(options.iconFile, (error, icon) => {
        if (error) res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("No icon\n");
        else res.writeHead(200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" }).end(icon);
      });
      return;
    }
    const authority = readAuthority(options.caFile);
    if (pathname === CA_PATH) {
      if (!authority) {
        res
          .writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" })
          .end("This server has no local certificate authority (its administrator makes one with npm run tls:local).\n");
        return;
      }
      res.writeHead(200, {
        // The type that makes iOS offer the profile and Android and Windows see a CA certificate;
        // inline leaves that to the browser, and the filename names the file when it is saved.
        "Content-Type": "application/x-x509-ca-cert",
        "Content-Disposition": 'inline; filename="floorchat-ca.crt"',
        "Cache-Control": "no-store",
      });
      res.end(authority.pem);
      return;
    }
    const language = pageLanguage(req.headers["accept-language"]);
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Language": language, Vary: "Accept-Language" });
    res.end(renderPage(language, options.appUrl, authority));
  };
}
