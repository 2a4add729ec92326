-- A job's attempts now count its failed runs only; runs that ended without a result (the worker was killed,
-- its lease ran out) are counted apart, so that restarts do not park a healthy job as failed.
ALTER TABLE job ADD COLUMN interruptions integer NOT NULL DEFAULT 0;

-- Superseded jobs were marked done without a finish time, so the purge of done jobs never took them.
UPDATE job SET finished_at = coalesce(run_at, created_at) WHERE status = 'done' AND finished_at IS NULL;

-- The purge of done jobs and `job list --failed`.
CREATE INDEX job_finished ON job (status, finished_at) WHERE status IN ('done', 'failed');
