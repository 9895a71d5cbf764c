import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, type DomainErrorCode } from "./errors";

describe("the error table (contracts/errors.ts)", () => {
  it("gives every DomainError code the same HTTP status over tRPC as over REST and the file routes", () => {
    for (const [code, { status, trpc }] of Object.entries(ERROR_CODES) as [DomainErrorCode, (typeof ERROR_CODES)[DomainErrorCode]][]) {
      expect(getHTTPStatusCodeFromError(new TRPCError({ code: trpc })), code).toBe(status);
    }
  });
});
