// A study as the study page holds it: its document and its trials, brought up to date incrementally (only the
// trials written after the last version seen are fetched).

import { getJson, studyPath } from './api.js';

export class StudyModel {
  constructor(id) {
    this.id = id;
    this.doc = null;
    this.trials = new Map();
    this.since = 0;
    this.importance = undefined;
    this.importanceError = null;
    this.inFlight = null;
    this.again = false;
  }

  /**
   * Fetches the document and the trials written since the last call. Calls made while one runs are folded into
   * one more run after it, so a burst of events costs two fetches, not one per event.
   */
  refresh() {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      try {
        do {
          this.again = false;
          this.doc = await getJson(studyPath(this.id));
          const answer = await getJson(studyPath(this.id, `/trials?since=${this.since}`));
          for (const trial of answer.trials) this.trials.set(trial.number, trial);
          this.since = answer.version;
        } while (this.again);
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** Fetches parameter importance; a server that computes none leaves importanceError set. */
  async refreshImportance() {
    try {
      const answer = await getJson(studyPath(this.id, '/importance'));
      this.importance = answer.importance;
      this.importanceError = null;
    } catch (e) {
      this.importance = null;
      this.importanceError = e.message;
    }
  }

  /** The trials by number. */
  list() {
    return [...this.trials.values()].sort((a, b) => a.number - b.number);
  }

  /** Completed trials (and feasible ones only, under constraints, when asked). */
  complete({ feasibleOnly = false } = {}) {
    return this.list().filter((t) => t.state === 'complete' && (!feasibleOnly || t.feasible !== false));
  }

  /** The objectives: [{name, direction}], one for a single-objective study. */
  objectives() {
    if (!this.doc) return [];
    return this.doc.objectives || [{ name: this.doc.metric, direction: this.doc.direction }];
  }

  /** Whether the study has several objectives (its best is then a Pareto front). */
  isMultiObjective() {
    return Array.isArray(this.doc && this.doc.objectives) && this.doc.objectives.length > 1;
  }

  /** A trial's value of an objective: its value for the study metric, else the metric of its final report. */
  objectiveValue(trial, name) {
    if (!this.doc || name === this.doc.metric) return trial.value ?? (trial.metrics && trial.metrics[name]);
    return trial.metrics ? trial.metrics[name] : undefined;
  }

  /** Parameter names in order of first appearance (conditional spaces: not every trial has every one). */
  paramNames() {
    const names = new Set();
    for (const trial of this.trials.values()) for (const name of Object.keys(trial.params || {})) names.add(name);
    return [...names];
  }
}

/** Trials done (in a finished state), as StudyProgress.Done counts them. */
export function done(counts) {
  if (!counts) return 0;
  return (counts.complete || 0) + (counts.failed || 0) + (counts.pruned || 0) + (counts.cancelled || 0);
}

/**
 * Throughput and ETA of a study from its created/updated times and counts: trials per minute over its life so far,
 * and the time the remaining budget would take at that pace (null when finished or not measurable).
 */
export function pace(study) {
  const finished = done(study.trials);
  const elapsed = new Date(study.updatedAt) - new Date(study.createdAt);
  if (!(elapsed > 0) || finished === 0) return { perMinute: null, etaMs: null };
  const perMinute = finished / (elapsed / 60000);
  const remaining = Math.max(0, (study.maxTrials || 0) - finished);
  const etaMs = study.status === 'running' && remaining > 0 ? (remaining / perMinute) * 60000 : null;
  return { perMinute, etaMs };
}
