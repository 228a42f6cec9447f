// Which hosts remote media may be fetched from: public Internet addresses only. A client (any
// holder of a client key) names the URL, so without this rule the converter would fetch from
// the machine it runs on and its network: loopback admin ports, cloud metadata at
// 169.254.169.254, the LAN. Pure: the same rules check a URL's literal host (workerd, Node) and
// every address a name resolves to (Node, at connect time: see worker/src/node/media-fetch.ts).
//
// Special-purpose ranges from the IANA registries (RFC 6890 and its updates):
// https://www.iana.org/assignments/iana-ipv4-special-registry and iana-ipv6-special-registry.

/** [first address, prefix length] of IPv4 ranges that are not the public Internet. */
const IPV4_BLOCKED: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

const IPV4_RANGES = IPV4_BLOCKED.map(([first, bits]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (parseIPv4(first)! & mask) >>> 0, mask };
});

/** Host names that always mean this machine or its LAN (RFC 6761, RFC 8375, mDNS). */
const LOCAL_NAMES = /(?:^|\.)(?:localhost|local|internal|home\.arpa)$/i;

/**
 * Parses an IPv4 address the way WHATWG URL and inet_aton do: 1 to 4 parts, each decimal, octal
 * (leading 0) or hex (0x), the last part filling the remaining bytes. `127.1`, `2130706433` and
 * `0x7f.1` are all 127.0.0.1. Undefined for anything else.
 */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length > 4 || parts.some((p) => p === '')) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    let n: number;
    if (/^0x[0-9a-f]*$/i.test(part)) n = part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) n = Number.parseInt(part.slice(1), 8);
    else if (/^(?:0|[1-9][0-9]*)$/.test(part)) n = Number(part);
    else return undefined;
    values.push(n);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255) || last >= 256 ** (4 - values.length)) return undefined;
  let address = 0;
  values.forEach((v, i) => (address += v * 256 ** (3 - i)));
  return address + last;
}

/** Parses an IPv6 address (brackets and a zone id allowed) into its 8 groups. */
export function parseIPv6(text: string): number[] | undefined {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) return undefined;
  // A trailing dotted quad (::ffff:127.0.0.1) is two groups.
  const quad = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (quad?.[1]) {
    if (!/^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/.test(quad[1])) return undefined;
    const v4 = parseIPv4(quad[1])!;
    s = `${s.slice(0, s.length - quad[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : undefined;
}

export function isPublicIPv4(address: number): boolean {
  return !IPV4_RANGES.some(({ net, mask }) => ((address & mask) >>> 0) === net);
}

export function isPublicIPv6(g: readonly number[]): boolean {
  const [a = 0, b = 0] = g;
  const embedded = (((g[6] ?? 0) << 16) | (g[7] ?? 0)) >>> 0;
  if (g.slice(0, 6).every((x) => x === 0)) return false; // ::, ::1, IPv4-compatible ::a.b.c.d
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return false; // IPv4-mapped ::ffff:a.b.c.d
  if (g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g[5] === 0) return false; // IPv4-translated ::ffff:0:a.b.c.d (RFC 2765)
  if (a === 0x64 && b === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isPublicIPv4(embedded); // NAT64 64:ff9b::/96
  if (a === 0x64 && b === 0xff9b && g[2] === 1) return false; // local-use NAT64 64:ff9b:1::/48
  if (a === 0x100 && b === 0 && g[2] === 0 && g[3] === 0) return false; // discard-only 100::/64
  if (a === 0x2001 && b < 0x200) return false; // IETF protocol assignments 2001::/23 (Teredo, ORCHID...)
  if (a === 0x2001 && b === 0xdb8) return false; // documentation
  if (a === 0x2002) return false; // 6to4: it embeds an IPv4 address we would have to check; refused
  if (a === 0x3fff && b < 0x1000) return false; // documentation 3fff::/20
  if ((a & 0xfe00) === 0xfc00) return false; // unique-local fc00::/7
  if ((a & 0xffc0) === 0xfe80 || (a & 0xffc0) === 0xfec0) return false; // link-local, old site-local
  if ((a & 0xff00) === 0xff00) return false; // multicast
  return true;
}

/** True for an IP address (as a resolver returns it) on the public Internet. */
export function isPublicAddress(address: string): boolean {
  const v6 = parseIPv6(address);
  if (v6) return isPublicIPv6(v6);
  const v4 = /^\d+\.\d+\.\d+\.\d+$/.test(address) ? parseIPv4(address) : undefined;
  return v4 !== undefined && isPublicIPv4(v4);
}

/**
 * Whether a URL's host may be fetched from, judging its literal text: IP literals (in any of
 * their numeric spellings) must be public, and names must not be local ones. A name that passes
 * still has to resolve to public addresses: that is checked where a resolver exists (Node).
 */
export function isFetchableHost(hostname: string): boolean {
  const host = hostname.replace(/\.+$/, '').toLowerCase();
  if (host === '') return false;
  const v6 = parseIPv6(host);
  if (v6) return isPublicIPv6(v6);
  if (host.includes(':') || host.includes('[')) return false;
  // As WHATWG URL's "ends in a number" rule: a host whose last label is numeric is an IPv4
  // address (127.1, 2130706433, 0x7f.1), judged as one; one that does not parse is refused.
  const last = host.slice(host.lastIndexOf('.') + 1);
  if (/^(?:0x[0-9a-f]*|\d+)$/i.test(last)) {
    const v4 = parseIPv4(host);
    return v4 !== undefined && isPublicIPv4(v4);
  }
  return !LOCAL_NAMES.test(host);
}
