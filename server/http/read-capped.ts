import { errors as undiciErrors, type Dispatcher } from "undici";

/** Reads an outbound response body as text, or null when it exceeds `maxBytes` (the stream is then destroyed). */
export async function readCapped(body: Dispatcher.ResponseData["body"], maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const TRANSPORT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_SOCKET", "UND_ERR_CLOSED",
  "UND_ERR_ABORTED", "ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN",
  "ENETUNREACH", "EHOSTUNREACH", "ENOENT",
]);

/** Whether an outbound call failed in transport (refused, reset, timed out) rather than with an HTTP answer. */
export function isTransportError(err: unknown): boolean {
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError
    || err instanceof undiciErrors.ConnectTimeoutError || err instanceof undiciErrors.SocketError) return true;
  if (!(err instanceof Error)) return false;
  if (err.name === "TimeoutError" || err.name === "AbortError") return true; // the overall deadline (AbortSignal.timeout)
  if (TRANSPORT_CODES.has(String((err as { code?: unknown }).code))) return true;
  return err instanceof AggregateError && err.errors.length > 0 && err.errors.every(isTransportError); // happy eyeballs
}
