import type { AppLoadContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { getToast, redirectWithToast } from "./toast.server.ts";

const context = { request: { secure: false }, flashSecret: "toast-test-secret-0123456789abcdef" } as AppLoadContext;
const cookieOf = (res: Response) => res.headers.get("Set-Cookie")!.split(";")[0]!;
const next = (cookie: string) => new Request("http://localhost/ops", { headers: { Cookie: cookie } });

describe("flash toasts", () => {
  it("carries the message across the redirect once, then clears it", async () => {
    const res = await redirectWithToast(context, new Request("http://localhost/ops"), "/ops/tenants/x", { title: "Shop activated." });
    expect([res.status, res.headers.get("Location")]).toEqual([302, "/ops/tenants/x"]);
    const { toast, headers } = await getToast(context, next(cookieOf(res)));
    expect(toast?.title).toBe("Shop activated.");
    expect(headers?.["Set-Cookie"]).toMatch(/^sf_toast=;.*Expires=Thu, 01 Jan 1970/);
  });

  it("ignores a cookie signed with another key or altered", async () => {
    const res = await redirectWithToast(context, new Request("http://localhost/ops"), "/ops", { title: "Shop closed." });
    const other = { ...context, flashSecret: "another-secret-0123456789abcdefghij" } as AppLoadContext;
    expect((await getToast(other, next(cookieOf(res)))).toast).toBeNull();
    expect((await getToast(context, next(`${cookieOf(res).slice(0, -4)}AAAA`))).toast).toBeNull();
    expect((await getToast(context, new Request("http://localhost/ops"))).toast).toBeNull();
  });
});
