/**
 * The topology document: `version`, lab `name`, nodes and links (plus
 * expectations and canvas annotations). Files may omit a node's `id` (it
 * defaults to its `name`) or its `name` (defaults to its `id`).
 */
import * as z from 'zod';
import { Id, Position } from './common';
import { Activity } from './activity';
import { LAB_NAME_MAX, LAB_NAME_PATTERN } from './lab-name';
import { Link } from './link';
import { TopoNode } from './node';

/** The file format version this code writes. */
export const CURRENT_VERSION = 1;

/** A reachability expectation checked by `netplumb check`. */
export const Expectation = z
  .object({
    from: Id.describe('id of a namespace/router node'),
    to: z.string().describe('id of a node, or an address'),
    reach: z.boolean().default(true),
  })
  .strict();
export type Expectation = z.infer<typeof Expectation>;

/** A text note or a group box drawn on the canvas. */
export const Annotation = z
  .object({
    id: Id,
    kind: z.enum(['text', 'group']),
    text: z.string().default(''),
    position: Position,
    width: z.number().positive().optional(),
    height: z.number().positive().optional(),
  })
  .strict();
export type Annotation = z.infer<typeof Annotation>;

/** One step of a lesson: a title and Markdown text shown in the side panel. */
export const LessonStep = z
  .object({
    title: z.string().describe('short title of the step'),
    text: z.string().describe('Markdown text of the step'),
  })
  .strict();

/** A lesson: step-by-step Markdown text that goes with the lab and its expectations. */
export const Lesson = z
  .object({
    title: z.string().describe('title of the lesson'),
    steps: z.array(LessonStep).min(1).describe('the steps, in order'),
  })
  .strict();
export type Lesson = z.infer<typeof Lesson>;

export const Topology = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(CURRENT_VERSION),
    name: z
      .string()
      .meta({ pattern: LAB_NAME_PATTERN, maxLength: LAB_NAME_MAX })
      .describe(
        `lab name: lower-case letters, digits, "-", "_" and ".", no ".."; at most ${LAB_NAME_MAX} characters`,
      ),
    description: z.string().optional(),
    nodes: z.array(TopoNode).default([]),
    links: z.array(Link).default([]),
    expect: z.array(Expectation).default([]),
    annotations: z.array(Annotation).default([]),
    lesson: Lesson.optional().describe('lesson text shown step by step (lesson files)'),
    activity: Activity.optional().describe(
      'a graded activity: locked parts and checks with points (activity files)',
    ),
  })
  .strict();
export type Topology = z.infer<typeof Topology>;
/** The document as written in a file, before defaults are filled in. */
export type TopologyInput = z.input<typeof Topology>;
