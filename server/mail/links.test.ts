import { describe, expect, it } from "vitest";
import { platformOrigin, shopOrigin } from "./links.ts";

const env = { PUBLIC_BASE_URL: undefined, PLATFORM_DOMAIN: "shops.example.com", NODE_ENV: "production" as const, PORT: 3000 };

describe("mail links", () => {
  it("uses https on the platform domain in production, the port elsewhere, and PUBLIC_BASE_URL when set", () => {
    expect(platformOrigin(env)).toBe("https://shops.example.com");
    expect(platformOrigin({ ...env, NODE_ENV: "development" })).toBe("http://shops.example.com:3000");
    expect(platformOrigin({ ...env, PUBLIC_BASE_URL: "https://www.example.com/" })).toBe("https://www.example.com");
  });

  it("puts a shop's primary host behind the same scheme and port", () => {
    expect(shopOrigin(env, "acme.shops.example.com")).toBe("https://acme.shops.example.com");
    expect(shopOrigin({ ...env, NODE_ENV: "development" }, "shop.acme.test")).toBe("http://shop.acme.test:3000");
    expect(shopOrigin({ ...env, PUBLIC_BASE_URL: "http://localhost:8080" }, "acme.localhost")).toBe("http://acme.localhost:8080");
  });
});
