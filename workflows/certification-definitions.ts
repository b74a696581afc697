/**
 * Messages of the certification workflow (`certification-<campaignId>`), shared by the API and
 * the workflow. Dependency free apart from @temporalio/workflow.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CampaignScopeType, CampaignStatus, DeadlinePolicy, ReviewerKind } from '../libs/domain/certification';
import type { TaskTiming } from '../libs/domain/task-deadlines';

/** The campaign start body of SPEC 7 without `dueAt` (a schedule derives it from `reviewDays`). */
export interface CampaignTemplate {
  name: string;
  scope: { type: CampaignScopeType; key?: string | null };
  reviewer: ReviewerKind;
  fallbackReviewer: string;
  deadlinePolicy: DeadlinePolicy;
}

/** What a Temporal Schedule passes to each run: the run's campaign row is written by its first activity. */
export interface ScheduledCampaignInput {
  scheduleId: string;
  campaign: CampaignTemplate;
  reviewDays: number;
}

/** Durations in the config's format (`30s`, `15m`, `2d`), passed as input so tests run in seconds. */
export interface CertificationTiming {
  /** Reminder digests this long before dueAt. */
  reminders: string[];
  /** Time each escalation level gets after the deadline (policy `escalate`). */
  escalationWindow: string;
  /** How often the workflow re-reads its campaign (terminated reviewers, lost signals). */
  reconcileInterval: string;
  /** Subjects per generation batch (one activity, one INSERT). */
  batchSize: number;
  /** History length after which the review loop continues as new. */
  maxHistoryEvents: number;
  /** The one task path's timing for the revoke tasks of remediation (a leaver's revoke timing). */
  tasks: TaskTiming;
}

/** The review phase: before dueAt, then each escalation level, then closed. */
export type ReviewPhase = 'generating' | 'review' | 'escalated_manager' | 'escalated_fallback' | 'remediating' | 'closed';

export interface ReviewerPending {
  reviewer: string;
  total: number;
  pending: number;
  signedOffAt: string | null;
}

/** The live state (the `certificationState` query). Counts and deadlines only: items live in PostgreSQL. */
export interface CertificationState {
  campaignId: string;
  name: string;
  status: CampaignStatus;
  phase: ReviewPhase;
  dueAt: string;
  /** The deadline of the current phase (dueAt, then each escalation window). */
  deadline: string;
  reminders: string[];
  remindersSent: number;
  counts: { total: number; pending: number; certified: number; revoked: number; notReviewed: number };
  pendingByReviewer: ReviewerPending[];
  remediation: { tasks: number; open: number };
  continuedAsNew: number;
  outcome: string | null;
}

export interface CertificationWorkflowInput {
  /** Null for a scheduled run: the id is the workflow id without `certification-`. */
  campaignId: string | null;
  scheduled: ScheduledCampaignInput | null;
  timing: CertificationTiming;
  /** Set by continue-as-new: the review goes on where it was. */
  carried?: CertificationState;
}

/** Something changed in the database (decisions, reassignment, sign-off): re-read the counts. */
export const campaignChangedSignal = defineSignal<[{ reason: string }]>('campaignChanged');
/** An administrator cancelled the campaign in the database. */
export const campaignCancelledSignal = defineSignal<[{ by: string }]>('campaignCancelled');
export const certificationStateQuery = defineQuery<CertificationState>('certificationState');

export const CERTIFICATION_WORKFLOW_PREFIX = 'certification-';
