/**
 * A real SMTP server on loopback for tests and the e2e suite (smtp-server), storing what it accepts parsed by
 * mailparser. Each incoming message takes the next scripted answer: accept (default), refuse with a code, drop the
 * connection without answering, or hold the answer until the test releases it (to kill a worker mid-send).
 */
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The user the client authenticated as, if any. */
  user: string | null;
  raw: Buffer;
  parsed: ParsedMail;
}

type Answer =
  | { kind: "refuse"; code: number; message: string }
  | { kind: "drop"; store: boolean }
  | { kind: "hold"; store: boolean; until: Promise<void> };

export interface SmtpTestServer {
  port: number;
  /** `smtp://user:pass@127.0.0.1:port` (or without credentials when the server takes no auth). */
  url: string;
  messages: ReceivedMail[];
  /** Refuse the next `times` messages with this SMTP code (4xx temporary, 5xx permanent). */
  refuse(code: number, message?: string, times?: number): void;
  /** Close the connection after the data without answering; `store` says whether the server kept the message. */
  drop(opts?: { store?: boolean; times?: number }): void;
  /** Hold the answer to the next message until `release()`; resolves `received` once the data is in. */
  hold(opts?: { store?: boolean }): { received: Promise<void>; release: () => void };
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  clear(): void;
  close(): Promise<void>;
}

export async function startSmtpServer(opts: { user?: string; pass?: string } = {}): Promise<SmtpTestServer> {
  const messages: ReceivedMail[] = [];
  const script: Answer[] = [];
  const waiters: (() => void)[] = [];
  let onReceived: (() => void) | null = null;
  const needsAuth = Boolean(opts.user);
  const store = async (raw: Buffer, session: SMTPServerSession) => {
    messages.push({
      envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address) },
      user: (session.user as string | undefined) ?? null,
      raw,
      parsed: await simpleParser(raw),
    });
    waiters.splice(0).forEach((w) => w());
  };
  const server = new SMTPServer({
    secure: false,
    authOptional: !needsAuth,
    allowInsecureAuth: true,
    disabledCommands: needsAuth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) return cb(null, { user: auth.username });
      const err = Object.assign(new Error("Invalid username or password"), { responseCode: 535 });
      cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        const answer = script.shift();
        void (async () => {
          if (!answer) {
            await store(raw, session);
            return cb();
          }
          if (answer.kind === "refuse") return cb(Object.assign(new Error(answer.message), { responseCode: answer.code }));
          if (answer.store) await store(raw, session);
          if (answer.kind === "hold") {
            onReceived?.();
            await answer.until;
            return cb();
          }
          // Drop: find this session's socket and cut it before any answer goes out.
          for (const conn of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections) {
            if (conn.id === session.id) conn._socket.destroy();
          }
        })();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  const cred = needsAuth ? `${encodeURIComponent(opts.user!)}:${encodeURIComponent(opts.pass ?? "")}@` : "";
  return {
    port,
    url: `smtp://${cred}127.0.0.1:${port}`,
    messages,
    refuse(code, message = code >= 500 ? "Mailbox unavailable" : "Try again later", times = 1) {
      for (let i = 0; i < times; i++) script.push({ kind: "refuse", code, message });
    },
    drop({ store: keep = false, times = 1 } = {}) {
      for (let i = 0; i < times; i++) script.push({ kind: "drop", store: keep });
    },
    hold({ store: keep = true } = {}) {
      let release!: () => void;
      const until = new Promise<void>((r) => (release = r));
      const received = new Promise<void>((r) => (onReceived = r));
      script.push({ kind: "hold", store: keep, until });
      return { received, release };
    },
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} mail(s) at the test SMTP server, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return messages.slice(0, count);
    },
    clear() {
      messages.length = 0;
      script.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
