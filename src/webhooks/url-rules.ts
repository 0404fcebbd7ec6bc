/**
 * Where webhooks may point (contract section 13): `https://` to a public host. Refused: other
 * schemes, credentials in the URL, single-label and local names (`localhost`, `*.local`,
 * `*.internal`, the cloud metadata names), and literal addresses that are not globally
 * routable (loopback, private, link-local such as 169.254.169.254, CGNAT, documentation,
 * multicast, IPv6 unique-local and link-local, IPv4-mapped forms of all these). WHATWG URL
 * parsing first normalises tricks such as `https://2130706433/` or `https://0x7f.1/` to
 * 127.0.0.1. Checked when a webhook is created and again before every delivery (which also
 * never follows redirects). `WEBHOOK_ALLOW_INSECURE=on` allows `http://` and loopback targets,
 * for local development only.
 *
 * Names that resolve to private addresses cannot be checked here (a Worker has no DNS API);
 * Workers cannot reach private networks anyway, which is the defence in production.
 */
const LOCAL_NAMES = [/^localhost$/, /\.localhost$/, /\.local$/, /\.internal$/, /\.home\.arpa$/, /^metadata\./];

const IPV4_BLOCKED: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
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

function inRange(ip: number, [network, bits]: [string, number]): boolean {
  const base = ipv4ToNumber(network) ?? 0;
  const size = 2 ** (32 - bits);
  return ip >= base && ip < base + size;
}

function isLoopback(host: string): boolean {
  const v4 = ipv4ToNumber(host);
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || (v4 !== null && v4 >>> 24 === 127);
}

/** Why an IPv6 literal (brackets included) is not public, or null. */
function ipv6Problem(host: string): string | null {
  const ip = host.slice(1, -1).toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (mapped) return "an IPv4-mapped address";
  if (ip === "::" || ip === "::1") return "the loopback or unspecified address";
  if (/^f[cd]/.test(ip)) return "a unique-local address";
  if (/^fe[89ab]/.test(ip)) return "a link-local address";
  if (/^ff/.test(ip)) return "a multicast address";
  if (/^2001:0?db8:/.test(ip)) return "a documentation address";
  if (/^64:ff9b:/.test(ip) || /^::(\d|[0-9a-f]{1,4}:)/.test(ip)) return "a translated or compatibility address";
  return null;
}

export function webhookUrlProblem(text: string, allowInsecure: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Must be an absolute URL.";
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol !== "https:" && !(allowInsecure && url.protocol === "http:")) {
    return "Must be an https:// URL (WEBHOOK_ALLOW_INSECURE=on allows http:// for local development).";
  }
  if (url.username || url.password) return "Must not carry credentials; use the signature to authenticate deliveries.";
  if (allowInsecure && isLoopback(host)) return null;
  if (host.startsWith("[")) {
    const problem = ipv6Problem(host);
    return problem ? `Must point at a public host, not ${problem}.` : null;
  }
  const v4 = ipv4ToNumber(host);
  if (v4 !== null) {
    return IPV4_BLOCKED.some((range) => inRange(v4, range))
      ? "Must point at a public host, not a loopback, private, link-local or reserved address."
      : null;
  }
  if (!host.includes(".") || LOCAL_NAMES.some((pattern) => pattern.test(host))) {
    return "Must point at a public host name, not a local or internal one.";
  }
  return null;
}
