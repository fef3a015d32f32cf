/** A loopback HTTP server for the image-fetch tests: routes map a path to a status, headers and body. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = { status?: number; headers?: Record<string, string>; body?: Buffer | string };

export async function startImageServer(routes: Record<string, Route | (() => Route)>) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? "");
    const found = routes[req.url ?? ""];
    const route = typeof found === "function" ? found() : found;
    if (!route) return void res.writeHead(404).end();
    res.writeHead(route.status ?? 200, route.headers ?? {}).end(route.body ?? "");
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return { port, origin: `http://127.0.0.1:${port}`, hits, stop: () => new Promise<void>((ok) => server.close(() => ok())) };
}
