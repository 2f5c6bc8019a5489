import { describe, expect, it } from "vitest";
import { checkClientId } from "./clientId";

const ID = "0123456789abcdef0123456789abcdef";

describe("checkClientId", () => {
  it("accepts 32 hex characters, trimmed and in lowercase", () => {
    expect(checkClientId(ID)).toEqual({ ok: true, clientId: ID });
    expect(checkClientId(`  ${ID}\n`)).toEqual({ ok: true, clientId: ID });
    expect(checkClientId(ID.toUpperCase())).toEqual({ ok: true, clientId: ID });
  });

  it("asks for one when empty", () => {
    expect(checkClientId("")).toMatchObject({ ok: false, message: expect.stringMatching(/Paste/) });
    expect(checkClientId("   ")).toMatchObject({ ok: false, message: expect.stringMatching(/Paste/) });
  });

  it("says how long it should be", () => {
    expect(checkClientId(ID.slice(0, 31))).toEqual({ ok: false, message: "A Client ID is 32 characters long; this one has 31." });
    expect(checkClientId(ID + "0")).toEqual({ ok: false, message: "A Client ID is 32 characters long; this one has 33." });
  });

  it("refuses characters that are not hexadecimal", () => {
    expect(checkClientId("0123456789abcdef0123456789abcdeg")).toMatchObject({ ok: false, message: expect.stringMatching(/0–9 and the letters a–f/) });
    expect(checkClientId("https://developer.spotify.com/dashboard")).toMatchObject({ ok: false, message: expect.stringMatching(/a–f/) });
  });

  it("refuses spaces inside", () => {
    expect(checkClientId("0123456789abcdef 0123456789abcdef")).toMatchObject({ ok: false, message: expect.stringMatching(/no spaces/) });
  });
});
