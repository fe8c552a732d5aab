/**
 * One lab-name rule: the validator, the IPC contract (every channel that takes
 * a lab), the file format's JSON Schema, the lab store and the importers'
 * sanitiser agree on every string.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { contract } from "../../shared/ipc/contract";
import { sanitizeLabName } from "../../shared/formats/import-names";
import { checkLabName } from "../../shared/validate/names";
import { LabStore } from "./lab-store";
import { isLabName, LAB_NAME_MAX } from "../../shared/model/lab-name";

const runDir = mkdtempSync(path.join(tmpdir(), "np-labname-"));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));
const store = new LabStore(runDir);

/** Strings near the rule's edges: its alphabet plus a few refused characters, around the length limit. */
const nameish = fc.oneof(
  fc.string({
    unit: fc.constantFrom(..."abz09._-".split("")),
    minLength: 0,
    maxLength: LAB_NAME_MAX + 2,
  }),
  fc.string({
    unit: fc.constantFrom(..."aZ0.-_/: é\\".split("")),
    maxLength: 12,
  }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "a..b",
    "..",
    ".",
    "a.",
    "a-",
    "-a",
    ".a",
    "_a",
    "a".repeat(LAB_NAME_MAX),
    "a".repeat(LAB_NAME_MAX + 1),
  ),
);

const accepts = {
  validator: (n: string) => checkLabName(n) === null,
  "lab:destroy": (n: string) =>
    contract["lab:destroy"].request.safeParse({ lab: n }).success,
  "lab:tables": (n: string) =>
    contract["lab:tables"].request.safeParse({ lab: n, nodeId: "n1" }).success,
  "import-host": (n: string) =>
    contract["host:import"].request.safeParse({ lab: n }).success,
  "lab store": (n: string) => {
    try {
      store.dir(n);
      return true;
    } catch {
      return false;
    }
  },
};

describe("the lab-name rule", () => {
  it("is the same in the validator, the IPC contract and the lab store", () => {
    fc.assert(
      fc.property(nameish, (n) => {
        const want = isLabName(n);
        for (const [who, ok] of Object.entries(accepts))
          expect([who, ok(n)]).toEqual([who, want]);
      }),
      { numRuns: 3000 },
    );
  });

  it.each(["a..b", "x".repeat(LAB_NAME_MAX + 1), "Lab", "-a"])(
    "refuses %j everywhere",
    (n) => {
      for (const [who, ok] of Object.entries(accepts))
        expect([who, ok(n)]).toEqual([who, false]);
    },
  );

  it.each(["lab1", "a.b", "my-lab_2.v1", "x".repeat(LAB_NAME_MAX)])(
    "accepts %j everywhere",
    (n) => {
      for (const [who, ok] of Object.entries(accepts))
        expect([who, ok(n)]).toEqual([who, true]);
    },
  );

  it("is what the importers produce from any name", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        expect(checkLabName(sanitizeLabName(s))).toBeNull();
      }),
    );
  });
});
