import type { Params } from "@remix-run/react";
import { z } from "zod";
import { invariantResponse } from "./invariant.ts";

const present = z.string().min(1);

/**
 * One route param, checked with `schema` (default: present and non-empty); a missing or malformed one is a 404,
 * with `message` as its body. Use it instead of non-null assertions on params.
 */
export function requireParam<S extends z.ZodType<unknown, string> = typeof present>(
  params: Params,
  name: string,
  schema?: S,
  message = "Not found",
): z.infer<S> {
  const parsed = (schema ?? present).safeParse(params[name]);
  invariantResponse(parsed.success, message, { status: 404 });
  return parsed.data as z.infer<S>;
}
