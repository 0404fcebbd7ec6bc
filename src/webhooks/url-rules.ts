/**
 * Where webhooks may point (contract section 13): `https://` to a public host. Refused: other
 * schemes, credentials in the URL, single-label names, special-use names and literal addresses
 * that are not globally routable. Checked when a webhook is created or changed and again before
 * every delivery (which also never follows redirects). `WEBHOOK_ALLOW_INSECURE=on` allows
 * `http://` and loopback targets, for local development only.
 *
 * The host is judged as a resolver would see it. WHATWG URL parsing already percent-decodes,
 * lower-cases and IDNA-maps it (`%6cocalhost`, `ＬＯＣＡＬＨＯＳＴ` and `ⓛocalhost` are all
 * `localhost`) and normalises IPv4 tricks (`https://2130706433/`, `https://0x7f.1/`); this
 * module decodes again (so no runtime difference can matter) and drops the trailing dots that
 * make a name fully qualified (`localhost.` and `localhost%2e` are `localhost`).
 *
 * DNS rebinding: a public name that resolves to a private address cannot be caught here. A
 * Worker has no DNS API and `fetch` does not report the address it connected to, so the runtime
 * never lets us know; Workers on Cloudflare's network cannot reach private networks, which is
 * the defence in production. (`wrangler dev` fetches from the developer's machine.)
 */

/**
 * Special-use and private-use domains, matched as the whole name or its last labels: RFC 6761
 * (localhost, invalid, test, example), RFC 6762 (local, hence `*.cluster.local`), RFC 8375
 * (home.arpa, and the rest of .arpa, which names no web server), RFC 7686 (onion), RFC 9476
 * (alt), ICANN's `internal` (hence `metadata.google.internal`), and the suffixes resolvers and
 * clusters answer locally: `localdomain`, Kubernetes' `svc`, and the common `lan`/`intranet`/
 * `corp`/`home` private zones.
 */
const SPECIAL_USE_DOMAINS = [
  "localhost",
  "localdomain",
  "local",
  "internal",
  "arpa",
  "invalid",
  "test",
  "example",
  "onion",
  "alt",
  "svc",
  "lan",
  "intranet",
  "corp",
  "home",
];

/** Cloud metadata services are reached under these names on every major cloud. */
const METADATA_NAMES = /^(metadata|instance-data)\./;

/** IPv4 blocks that are not globally reachable (IANA special-purpose registry). */
const IPV4_BLOCKED: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

function ipv4ToNumber(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function ipv4Blocked(ip: number): boolean {
  return IPV4_BLOCKED.some(([network, bits]) => {
    const base = ipv4ToNumber(network) ?? 0;
    return ip >= base && ip < base + 2 ** (32 - bits);
  });
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted), or null. */
export function ipv6Groups(text: string): number[] | null {
  let address = text;
  const dotted = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (dotted !== undefined) {
    const v4 = ipv4ToNumber(dotted);
    if (v4 === null) return null;
    address = `${address.slice(0, -dotted.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const parse = (half: string | undefined) => (half ? half.split(":") : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

const embeddedV4 = (high: number, low: number) => high * 65536 + low;

/**
 * Why an IPv6 address is not a public unicast host, or null. Only 2000::/3 is global unicast;
 * inside it, the blocks that tunnel to or embed IPv4 (6to4, Teredo) or are reserved are refused.
 * The IPv4 forms (mapped, compatible, NAT64) are judged by the IPv4 address they carry.
 */
function ipv6Problem(groups: number[]): string | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const zeroTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeroTo(8)) return "the unspecified address";
  if (zeroTo(7) && g7 === 1) return "the loopback address";
  if (zeroTo(5) && g5 === 0xffff) return "an IPv4-mapped address";
  if (zeroTo(6)) return "an IPv4-compatible address";
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return ipv4Blocked(embeddedV4(g6, g7)) ? "a NAT64 address of a non-public IPv4 address" : null;
  }
  if ((g0 & 0xffc0) === 0xfec0) return "a site-local address";
  if ((g0 & 0xffc0) === 0xfe80) return "a link-local address";
  if ((g0 & 0xfe00) === 0xfc00) return "a unique-local address";
  if ((g0 & 0xff00) === 0xff00) return "a multicast address";
  if ((g0 & 0xe000) !== 0x2000) return "a reserved or special-purpose address";
  if (g0 === 0x2001 && g1 === 0) return "a Teredo address (it tunnels to an IPv4 address)";
  if (g0 === 0x2001 && g1 === 0x2 && g2 === 0) return "a benchmarking address";
  if (g0 === 0x2001 && (g1 & 0xfff0) === 0x10) return "an ORCHID address";
  if (g0 === 0x2001 && g1 === 0xdb8) return "a documentation address";
  if (g0 === 0x3fff && (g1 & 0xf000) === 0) return "a documentation address";
  if (g0 === 0x2002 && ipv4Blocked(embeddedV4(g1, g2))) return "a 6to4 address of a non-public IPv4 address";
  return null;
}

/** The host as a resolver sees it: decoded, lower case, without the trailing dots of a fully qualified name. */
function normalisedHost(url: URL): string | null {
  try {
    return decodeURIComponent(url.hostname).toLowerCase().replace(/\.+$/, "");
  } catch {
    return null;
  }
}

function isSpecialUse(host: string): boolean {
  return SPECIAL_USE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

function isLoopback(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = ipv4ToNumber(host);
  if (v4 !== null) return v4 >>> 24 === 127;
  const groups = host.startsWith("[") ? ipv6Groups(host.slice(1, -1)) : null;
  return groups?.every((g, i) => g === (i === 7 ? 1 : 0)) ?? false;
}

export function webhookUrlProblem(text: string, allowInsecure: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Must be an absolute URL.";
  }
  if (url.protocol !== "https:" && !(allowInsecure && url.protocol === "http:")) {
    return "Must be an https:// URL (WEBHOOK_ALLOW_INSECURE=on allows http:// for local development).";
  }
  if (url.username || url.password) return "Must not carry credentials; use the signature to authenticate deliveries.";
  const host = normalisedHost(url);
  if (!host) return "Must name a host.";
  if (allowInsecure && isLoopback(host)) return null;
  if (host.startsWith("[")) {
    const groups = ipv6Groups(host.slice(1, -1));
    const problem = groups ? ipv6Problem(groups) : "an address that does not parse";
    return problem ? `Must point at a public host, not ${problem}.` : null;
  }
  const v4 = ipv4ToNumber(host);
  if (v4 !== null) {
    return ipv4Blocked(v4)
      ? "Must point at a public host, not a loopback, private, link-local or reserved address."
      : null;
  }
  if (!host.includes(".") || isSpecialUse(host) || METADATA_NAMES.test(host)) {
    return "Must point at a public host name, not a local, internal or special-use one.";
  }
  return null;
}
