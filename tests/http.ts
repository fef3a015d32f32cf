/**
 * A small HTTP client for integration tests: explicit Host header (node:http; fetch forbids setting Host), JSON
 * bodies, and a cookie jar per client so each test user keeps their own session.
 */
import http from "node:http";

export interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body as JSON.parse returned it (undefined when it is not JSON): tests walk it freely and assert on it. */
  json: ReturnType<typeof JSON.parse>;
}

export interface RequestOptions {
  method?: string;
  host?: string;
  headers?: Record<string, string>;
  /** Sent as JSON unless `raw` is given. */
  body?: unknown;
  raw?: { contentType: string; data: string };
}

export function request(port: number, path: string, o: RequestOptions = {}): Promise<Res> {
  const headers: Record<string, string> = { host: o.host ?? "localhost", ...o.headers };
  let data: string | undefined;
  if (o.raw) {
    data = o.raw.data;
    headers["content-type"] = o.raw.contentType;
  } else if (o.body !== undefined) {
    data = JSON.stringify(o.body);
    headers["content-type"] ??= "application/json";
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: o.method ?? (data ? "POST" : "GET"), headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        let json: unknown = undefined;
        try {
          json = JSON.parse(body);
        } catch {
          /* not JSON (an HTML page) */
        }
        resolve({ status: res.statusCode!, headers: res.headers, body, json });
      });
    });
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

/** A browser-like client: keeps the cookies the server sets and sends them back, and sends Origin with writes. */
export class Client {
  cookies = new Map<string, string>();
  bearer: string | null = null;
  constructor(
    public port: number,
    public host = "localhost",
  ) {}

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    // Browsers send Origin with every POST/PUT/PATCH/DELETE; cookie-authenticated writes without it are refused.
    if (method !== "GET" && method !== "HEAD") h.origin ??= `http://${this.host}`;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const res = await request(this.port, path, { method, host: this.host, headers: h, body: body ?? (method === "GET" || method === "DELETE" ? undefined : {}) });
    for (const c of ([] as string[]).concat(res.headers["set-cookie"] ?? [])) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return res;
  }

  get = (path: string) => this.call("GET", path);
  post = (path: string, body?: unknown) => this.call("POST", path, body);
  put = (path: string, body?: unknown) => this.call("PUT", path, body);
  patch = (path: string, body?: unknown) => this.call("PATCH", path, body);
  del = (path: string) => this.call("DELETE", path);
}
