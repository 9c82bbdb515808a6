import { z } from 'zod';
import {
  createdReportTokenView,
  monitorStatusView,
  type MonitorStatusView,
  type ReportTokenView,
  reportTokenView,
  RUN_STATES,
  runPageView,
  type ThreadKind,
} from '../../../../contracts/monitoring';
import { apiRequest } from '../../../shared/api/client';

export const PAGE_SIZE = 50;

export type RunState = (typeof RUN_STATES)[number];

export interface RunFilter {
  kind?: ThreadKind;
  outcome?: RunState;
}

/** One page of runs, newest first. */
export function loadRuns(filter: RunFilter, cursor: string | undefined) {
  return apiRequest('GET', '/api/runs', { schema: runPageView, query: { ...filter, cursor, limit: PAGE_SIZE } });
}

/** The monitor: its last and next look, whether an instance holds its lease, each kind's last digest. */
export function loadMonitorStatus(): Promise<MonitorStatusView> {
  return apiRequest('GET', '/api/monitor', { schema: monitorStatusView });
}

export async function listReportTokens(): Promise<ReportTokenView[]> {
  return (await apiRequest('GET', '/api/report-tokens', { schema: z.object({ tokens: z.array(reportTokenView) }) })).tokens;
}

/** The answer holds the token itself: the only time it is ever shown. */
export async function createReportToken(request: { name: string; kind: ThreadKind }) {
  return (await apiRequest('POST', '/api/report-tokens', { body: request, schema: z.object({ token: createdReportTokenView }) })).token;
}

export async function revokeReportToken(id: string): Promise<ReportTokenView> {
  return (await apiRequest('DELETE', `/api/report-tokens/${encodeURIComponent(id)}`, { schema: z.object({ token: reportTokenView }) })).token;
}
