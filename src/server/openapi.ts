// Receptionist's manual ("Receptionist"): the HTTP API as an OpenAPI 3.1 document, generated from the same zod
// schemas the routes parse with (OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits).
import { z } from 'zod';
import {
  approvalBodySchema,
  approvalResultSchema,
  cancelResultSchema,
  errorBodySchema,
  healthSchema,
  submitTaskBodySchema,
  taskAcceptedSchema,
  taskListSchema,
  taskViewSchema,
  usageSchema,
} from '../schemas/server-api.js';
import { taskStatuses } from '../schemas/task.js';

function schema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

const json = (s: z.ZodType, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: schema(s, io) },
});
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description:
          {
            400: 'bad input; error.field names the field at fault',
            401: 'no token, or an unknown one',
            403: 'the token lacks the scope',
            404: "no such task (or another tenant's)",
            409: 'conflict: Idempotency-Key reused with another body, or the task is not in a state for this',
            429: 'a quota is reached; Retry-After says when to try again',
            503: 'the server is shutting down',
          }[code] ?? 'error',
        content: json(errorBodySchema),
        ...(code === 429 ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
      },
    ]),
  );
const taskId = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'task id or a unique prefix',
};
const secured = [{ bearer: [] }];

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'office serve',
      version: '0.1.0',
      description:
        'The office loop over HTTP: submit a request, follow its events, approve what it asks, read its outcome. ' +
        'Without configured tokens the server listens on loopback only and every caller may do everything.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: secured,
    paths: {
      '/v1/tasks': {
        post: {
          summary: 'Submit a task (scope submit)',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              schema: { type: 'string', maxLength: 200 },
              description: 'the same key and body again returns the same task; another body with it is 409',
            },
          ],
          requestBody: { required: true, content: json(submitTaskBodySchema, 'input') },
          responses: {
            202: { description: 'accepted', content: json(taskAcceptedSchema) },
            ...errors(400, 401, 403, 409, 429, 503),
          },
        },
        get: {
          summary: 'List tasks, newest first (scope read)',
          parameters: [
            {
              name: 'status',
              in: 'query',
              schema: { type: 'string', enum: [...taskStatuses, 'queued', 'waiting'] },
            },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            },
            {
              name: 'cursor',
              in: 'query',
              schema: { type: 'string' },
              description: 'next_cursor of the previous page',
            },
          ],
          responses: {
            200: { description: 'a page of tasks', content: json(taskListSchema) },
            ...errors(400, 401, 403),
          },
        },
      },
      '/v1/tasks/{id}': {
        get: {
          summary:
            "A task: `office run --json`'s object plus progress, steps waiting (with argv) and webhooks",
          parameters: [taskId],
          responses: {
            200: { description: 'the task', content: json(taskViewSchema) },
            ...errors(401, 403, 404),
          },
        },
      },
      '/v1/tasks/{id}/events': {
        get: {
          summary:
            'Server-Sent Events: the loop events (as --output stream-json), resumable with Last-Event-ID',
          parameters: [taskId, { name: 'Last-Event-ID', in: 'header', schema: { type: 'integer' } }],
          responses: {
            200: {
              description:
                'text/event-stream; each event has id (its index in the task), event (its type), data (JSON)',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errors(401, 403, 404),
          },
        },
      },
      '/v1/tasks/{id}/approvals': {
        post: {
          summary: 'Approve or deny steps waiting for approval (scope approve); the task resumes',
          parameters: [taskId],
          requestBody: { required: true, content: json(approvalBodySchema, 'input') },
          responses: {
            200: { description: 'recorded', content: json(approvalResultSchema) },
            ...errors(400, 401, 403, 404, 409, 503),
          },
        },
      },
      '/v1/tasks/{id}/cancel': {
        post: {
          summary: 'Cancel a queued, running or waiting task (scope submit)',
          parameters: [taskId],
          responses: {
            200: { description: 'cancelled', content: json(cancelResultSchema) },
            ...errors(401, 403, 404, 409),
          },
        },
      },
      '/v1/tasks/{id}/document': {
        get: {
          summary: 'The whole stored task document',
          parameters: [taskId],
          responses: { 200: { description: 'the task document' }, ...errors(401, 403, 404) },
        },
      },
      '/v1/tasks/{id}/report': {
        get: {
          summary: 'The task as one self-contained HTML page (as `office report`)',
          parameters: [taskId],
          responses: { 200: { description: 'text/html' }, ...errors(401, 403, 404) },
        },
      },
      '/v1/tasks/{id}/diagram.svg': {
        get: {
          summary: 'The call path diagram of a trace task',
          parameters: [taskId],
          responses: { 200: { description: 'image/svg+xml' }, ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/usage': {
        get: {
          summary: 'Usage and cost per tenant (yours; every tenant with admin)',
          responses: { 200: { description: 'usage', content: json(usageSchema) }, ...errors(401, 403) },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (scope read)',
          responses: { 200: { description: 'text/plain; version=0.0.4' }, ...errors(401, 403) },
        },
      },
      '/healthz': {
        get: {
          security: [],
          summary: 'The process is up',
          responses: { 200: { description: 'up', content: json(healthSchema) } },
        },
      },
      '/readyz': {
        get: {
          security: [],
          summary: 'Ready for tasks (503 while starting or shutting down)',
          responses: {
            200: { description: 'ready', content: json(healthSchema) },
            503: { description: 'not ready', content: json(healthSchema) },
          },
        },
      },
      '/openapi.json': {
        get: { security: [], summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } },
      },
    },
  };
}
