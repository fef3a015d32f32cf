/**
 * A real authoritative DNS server on loopback for tests (TOOLCHAIN.md "DNS in tests"), built with dns2.
 * The zone is mutable: `set`/`remove`/`clear` take effect on the next query. It answers like a real server would:
 * - NXDOMAIN for names that hold no records and have no records below them;
 * - NOERROR with an empty answer (NODATA) for existing names (or empty non-terminals such as `shop.example.test`
 *   when only `_storefront-verify.shop.example.test` has records) without the asked type;
 * - a name with a CNAME answers a CNAME query with the CNAME alone, and any other query with the CNAME chain plus
 *   the final target's records (NXDOMAIN when the chain dangles), so node's Resolver behaves as with a real resolver;
 * - TXT values longer than 255 bytes are split into several character-strings, and a value given as an array is
 *   one record made of those strings.
 * `fail` makes one name answer SERVFAIL/REFUSED or not answer at all, for resolver-error cases.
 * UDP and TCP listen on 127.0.0.1 only, on the same random port.
 */
import dgram from "node:dgram";
import dns2 from "dns2";

const { Packet, UDPServer, TCPServer } = dns2;

export type TestDnsType = "A" | "AAAA" | "CNAME" | "TXT" | "CAA";
/** TXT: a string is one record (split into 255-byte strings when longer); an array is one record of several strings.
 * CAA: presentation format, e.g. `0 issue "letsencrypt.org"`. */
export type TestDnsValue = string | string[];

export interface TestDns {
  /** "127.0.0.1:<port>", ready for Resolver.setServers. */
  address: string;
  port: number;
  /** Replaces the records of `type` at `name`. */
  set(name: string, type: TestDnsType, values: TestDnsValue[]): void;
  /** Removes the records of `type` at `name`, or all records at `name`. */
  remove(name: string, type?: TestDnsType): void;
  /** Make queries for `name` (any type) fail: answer SERVFAIL or REFUSED, or drop them (the client times out).
   * `null` undoes it; `clear` undoes all. */
  fail(name: string, how: "SERVFAIL" | "REFUSED" | "DROP" | null): void;
  clear(): void;
  /** How many queries were answered (for tests that want to prove a lookup happened). */
  queries(): number;
  close(): Promise<void>;
}

const MAX_CHASE = 10;
const RCODE = { FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const; // RFC 1035 §4.1.1 (dns2's types omit Packet.RCODE)

function canon(name: string) {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

function txtStrings(value: TestDnsValue): Buffer[] {
  if (Array.isArray(value)) return value.map((s) => Buffer.from(s, "utf8"));
  const buf = Buffer.from(value, "utf8");
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 255) chunks.push(buf.subarray(i, i + 255));
  return chunks.length ? chunks : [Buffer.alloc(0)];
}

function parseCaa(value: string) {
  const m = /^\s*(\d{1,3})\s+([A-Za-z0-9]+)\s+"(.*)"\s*$/.exec(value);
  if (!m) throw new Error(`CAA value must look like 0 issue "letsencrypt.org", got ${JSON.stringify(value)}`);
  return { flags: Number(m[1]), tag: m[2]!, value: m[3]! };
}

export async function startTestDns(): Promise<TestDns> {
  // name → type → values
  const zone = new Map<string, Map<TestDnsType, TestDnsValue[]>>();
  const failing = new Map<string, "SERVFAIL" | "REFUSED" | "DROP">();
  let answered = 0;

  const exists = (name: string) => {
    if (zone.has(name)) return true;
    const suffix = `.${name}`;
    for (const key of zone.keys()) if (key.endsWith(suffix)) return true; // empty non-terminal
    return false;
  };

  // Plain records: dns2 serialises answers with the static Packet.Resource.encode, which needs no toBuffer method.
  // It encodes TXT character-strings given as Buffers too (its types only admit strings).
  const record = (owner: string, type: TestDnsType, value: TestDnsValue) => rr(owner, type, value) as dns2.Packet.Resource;
  const rr = (owner: string, type: TestDnsType, value: TestDnsValue): Omit<dns2.Packet.Resource, "toBuffer"> => {
    const base = { name: owner, class: Packet.CLASS.IN, ttl: 1 };
    switch (type) {
      case "A":
        return { ...base, type: Packet.TYPE.A, address: value as string };
      case "AAAA":
        return { ...base, type: Packet.TYPE.AAAA, address: value as string };
      case "CNAME":
        return { ...base, type: Packet.TYPE.CNAME, domain: (value as string).trim().replace(/\.$/, "") }; // case kept
      case "TXT":
        return { ...base, type: Packet.TYPE.TXT, data: txtStrings(value) as unknown as string[] };
      case "CAA":
        return { ...base, type: Packet.TYPE.CAA, ...parseCaa(value as string) };
    }
  };

  const typeName = (code: number): TestDnsType | null => {
    for (const t of ["A", "AAAA", "CNAME", "TXT", "CAA"] as const) if (Packet.TYPE[t] === code) return t;
    return null;
  };

  const handle: dns2.DnsHandler = (request, send) => {
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    response.header.ra = 1;
    const question = request.questions[0];
    const failure = question ? failing.get(canon(String(question.name))) : undefined;
    if (failure === "DROP") return;
    if (!question || request.questions.length !== 1) {
      response.header.rcode = RCODE.FORMERR;
    } else if (failure) {
      response.header.rcode = RCODE[failure];
    } else {
      const qtype = typeName(question.type);
      let owner: string = String(question.name);
      let name = canon(owner);
      for (let hop = 0; ; hop++) {
        if (!exists(name)) {
          response.header.rcode = RCODE.NXDOMAIN;
          break;
        }
        const records = zone.get(name);
        const cname = records?.get("CNAME")?.[0];
        if (cname !== undefined && qtype !== "CNAME" && hop < MAX_CHASE) {
          response.answers.push(record(owner, "CNAME", cname));
          owner = canon(cname as string);
          name = owner;
          continue;
        }
        if (qtype) for (const v of records?.get(qtype) ?? []) response.answers.push(record(owner, qtype, v));
        break; // NOERROR, possibly with no data
      }
    }
    answered++;
    void Promise.resolve(send(response)).catch(() => {}); // the client went away: nothing to do
  };

  // Bind UDP on a random loopback port, then TCP on the same port (retry if another process holds it over TCP).
  for (let attempt = 0; ; attempt++) {
    const udp = new UDPServer({ type: "udp4" });
    const tcp = new TCPServer();
    udp.on("request", handle);
    tcp.on("request", handle);
    udp.on("requestError", () => {}); // malformed packets from a test are ignored, like a real server would
    tcp.on("requestError", () => {});
    await udp.listen(0, "127.0.0.1");
    const port = (udp.address() as { port: number }).port;
    const tcpError = await new Promise<Error | null>((resolve) => {
      tcp.once("error", resolve);
      tcp.listen(port, "127.0.0.1", () => {
        tcp.off("error", resolve);
        resolve(null);
      });
    });
    if (tcpError) {
      await new Promise<void>((r) => (udp as unknown as dgram.Socket).close(() => r()));
      if (attempt < 5) continue;
      throw tcpError;
    }

    return {
      address: `127.0.0.1:${port}`,
      port,
      set(name, type, values) {
        const key = canon(name);
        if (type === "CNAME" && values.length > 1) throw new Error("a name has at most one CNAME");
        if (type === "CAA") values.forEach((v) => parseCaa(String(v)));
        const types = zone.get(key) ?? new Map<TestDnsType, TestDnsValue[]>();
        if (values.length) types.set(type, [...values]);
        else types.delete(type);
        if (types.size) zone.set(key, types);
        else zone.delete(key);
      },
      remove(name, type) {
        const key = canon(name);
        if (!type) return void zone.delete(key);
        const types = zone.get(key);
        types?.delete(type);
        if (types && !types.size) zone.delete(key);
      },
      fail(name, how) {
        if (how) failing.set(canon(name), how);
        else failing.delete(canon(name));
      },
      clear() {
        zone.clear();
        failing.clear();
      },
      queries: () => answered,
      async close() {
        await Promise.all([
          new Promise<void>((r) => (udp as unknown as dgram.Socket).close(() => r())),
          new Promise<void>((r) => tcp.close(() => r())),
        ]);
      },
    };
  }
}
