/**
 * The browser-mode wire format: JSON messages over the `/api` WebSocket.
 * Page -> server: a WireRequest `{id, channel, request}`.
 * Server -> page: a WireResponse `{id, result}` (result is the contract's
 * Result envelope) or a WireEvent `{event, payload}`.
 *
 * These schemas check the envelope only; the request/response/event bodies are
 * checked with the channel's own schemas from contract.ts on each side.
 */
import * as z from 'zod';
import { CHANNELS, events, type Channel, type EventName } from './contract';

/** Largest message either side accepts (a document is capped at 8 MiB, plus envelope). */
export const WIRE_MAX_BYTES = 9 * 1024 * 1024;

/** A request id chosen by the page; echoed back in the response. */
export const WireId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const channelNames = CHANNELS as [Channel, ...Channel[]];
const eventNames = Object.keys(events) as [EventName, ...EventName[]];

/** Page -> server: call `channel` with `request` (checked against the channel's request schema). */
export const WireRequest = z
  .object({
    id: WireId,
    channel: z.enum(channelNames),
    request: z.unknown(),
  })
  .strict();
export type WireRequest = z.infer<typeof WireRequest>;

/** The contract's Result envelope with the value still unchecked. */
export const WireResult = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }).strict(),
  z.object({ ok: z.literal(false), error: z.string() }).strict(),
]);
export type WireResult = z.infer<typeof WireResult>;

/** Server -> page: the answer to request `id`. */
export const WireResponse = z
  .object({
    id: WireId,
    result: WireResult,
  })
  .strict();
export type WireResponse = z.infer<typeof WireResponse>;

/** Server -> page: an event (payload checked against `events[event]`). */
export const WireEvent = z
  .object({
    event: z.enum(eventNames),
    payload: z.unknown(),
  })
  .strict();
export type WireEvent = z.infer<typeof WireEvent>;

/** Anything the server may send. */
export const WireServerMessage = z.union([WireResponse, WireEvent]);
export type WireServerMessage = z.infer<typeof WireServerMessage>;
