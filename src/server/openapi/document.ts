import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { OpenApiDocument } from '../../contracts/openapi.js';
import { type Access, SAFE_METHODS } from '../http/auth.js';
import { type Answer, type Operation, OPERATIONS, REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from './operations.js';

/**
 * The OpenAPI 3.1 document of the registered routes: who may call each one from its
 * `config.access`, the rest from the table in operations.ts, every schema from the zod contracts
 * (`z.toJSONSchema`: requests as the client sends them, answers as the server sends them).
 */

/** A route as Fastify registered it. */
export interface RegisteredRoute {
  method: string;
  url: string;
  access: Access;
}

type JsonSchema = Record<string, unknown>;

const COMPONENT_PATH = '#/components/schemas/';
const ERROR_REF = { $ref: `${COMPONENT_PATH}Error` };

const SECURITY_SCHEMES = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'tayori_session',
    description: 'Set by POST /api/session. Routes for administrators name the role `admin`.',
  },
  csrf: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description: 'The csrfToken of POST or GET /api/session; required with the session on every state-changing request.',
  },
  serviceToken: { type: 'http', scheme: 'bearer', description: 'A service token (tyr_…) made with POST /api/mail/tokens.' },
  reportToken: { type: 'http', scheme: 'bearer', description: 'A report token (tyrr_…) made with POST /api/report-tokens.' },
};

/** OpenAPI 3.1 lets a security requirement name roles for schemes other than OAuth. */
function securityOf(access: Access, method: string): Record<string, string[]>[] {
  switch (access) {
    case 'public':
      return [];
    case 'service':
      return [{ serviceToken: [] }];
    case 'report':
      return [{ reportToken: [] }];
    default: {
      const session = { session: access === 'admin' ? ['admin'] : [] };
      return [SAFE_METHODS.has(method) ? session : { ...session, csrf: [] }];
    }
  }
}

export function buildOpenApiDocument(routes: RegisteredRoute[]): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.url);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationObject(route, OPERATIONS[`${route.method} ${route.url}`]) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tayori API',
      version: packageVersion(),
      description:
        'Mail-delivery settings and notifications. Every answer is JSON; every error is `{"error":{"code","message","fields"}}` in the caller\'s language.',
    },
    paths,
    components: {
      schemas: { ...componentSchemas(RESPONSE_SCHEMAS, 'output'), ...componentSchemas(REQUEST_SCHEMAS, 'input') },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

/** `/api/users/:id` → `/api/users/{id}`; the screen's wildcard `/*` → `/{path}`. */
export const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{path}');

function operationObject(route: RegisteredRoute, operation: Operation | undefined) {
  const common = { 'x-access': route.access, security: securityOf(route.access, route.method) };
  // A route nobody described yet is still listed with who may call it (the test fails until it is described).
  if (!operation) return { ...common, summary: `${route.method} ${route.url}`, responses: { default: errorResponse('An error.') } };
  const body = operation.body && {
    required: true,
    content: { 'application/json': { schema: schemaRef(operation.body, REQUEST_SCHEMAS, 'input') } },
  };
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    description: operation.description,
    ...common,
    parameters: parametersOf(route.url, operation),
    requestBody: body,
    responses: { ...answers(operation.responses), ...refusals(route, operation), default: errorResponse('Any other error (400, 413, 500 …).') },
  };
}

function parametersOf(url: string, operation: Operation) {
  const pathNames = [...openApiPath(url).matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  const path = operation.params
    ? parametersFrom(operation.params, 'path')
    : pathNames.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  return [...path, ...parametersFrom(operation.query, 'query'), ...parametersFrom(operation.headers, 'header')];
}

function parametersFrom(schema: z.ZodObject | undefined, location: 'path' | 'query' | 'header') {
  if (!schema) return [];
  const json = inlineSchema(schema, 'input') as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function answers(responses: Record<number, Answer>) {
  const result: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(responses)) {
    const { description, schema, mediaType, headers } = answer instanceof z.ZodType ? { description: STATUS_CODES[status] ?? status, schema: answer } : answer;
    result[status] = {
      description,
      headers: headers && Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }])),
      content: schema
        ? { 'application/json': { schema: schemaRef(schema, RESPONSE_SCHEMAS, 'output') } }
        : mediaType && { [mediaType]: { schema: { type: 'string' } } },
    };
  }
  return result;
}

/** The refusals a route's access and inputs bring, then its own (which say more, so they win). */
function refusals(route: RegisteredRoute, operation: Operation) {
  const implied: Record<number, string> = {};
  if (route.access !== 'public') implied[401] = 'No valid session or token.';
  const checksCsrf = (route.access === 'admin' || route.access === 'user') && !SAFE_METHODS.has(route.method);
  if (route.access === 'admin') implied[403] = checksCsrf ? 'Not an administrator, or the X-CSRF-Token is missing or wrong.' : 'Not an administrator.';
  else if (checksCsrf) implied[403] = 'The X-CSRF-Token is missing or wrong.';
  if (route.url.includes(':') || route.url.endsWith('*')) implied[404] = 'Not found.';
  if (operation.params || operation.query || operation.headers || operation.body) {
    implied[422] = 'Bad input: `fields` lists every problem by its path, in the caller\'s language.';
  }
  const all = { ...implied, ...operation.refusals };
  return Object.fromEntries(Object.entries(all).map(([status, description]) => [status, errorResponse(description)]));
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ERROR_REF } } });

function schemaRef(schema: z.ZodType, named: Record<string, z.ZodType>, io: 'input' | 'output'): JsonSchema {
  const name = Object.keys(named).find((key) => named[key] === schema);
  return name ? { $ref: `${COMPONENT_PATH}${name}` } : inlineSchema(schema, io);
}

function inlineSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io }) as JsonSchema;
  return json;
}

/** The named contracts, converted together so that one refers to another by `$ref`. */
function componentSchemas(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `${COMPONENT_PATH}${id}` });
  // Each comes with its own dialect and a fragment-only $id, which 2020-12 does not allow: the document's context gives both.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...json }]) => [id, json as JsonSchema]));
}

function packageVersion(): string {
  const file = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
