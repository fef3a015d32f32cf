import { describe, expect, it } from "vitest";
import { checkSmtpHost, connectAddress, isInternalAddress } from "./shop-sender-host.ts";

describe("shop SMTP host guard", () => {
  it("knows the internal ranges", () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "[::1]"]) {
      expect(isInternalAddress(ip), ip).toBe(true);
    }
    for (const ip of ["203.0.113.10", "8.8.8.8", "2001:db8::1", "smtp.example.com"]) expect(isInternalAddress(ip), ip).toBe(false);
  });

  it("refuses private and loopback hosts in production only", async () => {
    for (const host of ["127.0.0.1", "10.0.0.5", "localhost", "mail.localhost", "[::1]"]) {
      expect(() => checkSmtpHost(host, true), host).toThrow(/private or loopback/);
      expect(() => checkSmtpHost(host, false), host).not.toThrow();
    }
    expect(() => checkSmtpHost("203.0.113.10", true)).not.toThrow();
    await expect(connectAddress("127.0.0.1", true)).rejects.toMatchObject({ code: "SMTP_HOST_REFUSED" });
    await expect(connectAddress("127.0.0.1", false)).resolves.toEqual({ host: "127.0.0.1" });
  });
});
