/**
 * Why: the page's CSP forbids eval. zod compiles fast validators with
 * `new Function` unless told not to; this module is imported first by
 * main.tsx so the setting is in place before any other module builds or
 * parses a schema.
 */
import * as z from 'zod';

z.config({ jitless: true });
