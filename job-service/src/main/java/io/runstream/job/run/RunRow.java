package io.runstream.job.run;

import io.runstream.platform.run.RunStatus;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** A run as stored: its current attempt; earlier attempts live in run_attempt. */
record RunRow(String id, String tenantId, String jobId, String executor, String owner, String ownerName, String project,
              JsonNode args, int priority, List<String> tags, JsonNode resources, RunStatus status, double progress,
              String message, JsonNode result, JsonNode error, int attempt, int maxAttempts, int leaseSeconds,
              Instant leaseExpiresAt, String retryType, Instant createdAt, Instant attemptCreatedAt, Instant startedAt,
              Instant finishedAt, Instant updatedAt, JsonNode metrics) {

    RunRow withStatus(RunStatus next) {
        return new RunRow(id, tenantId, jobId, executor, owner, ownerName, project, args, priority, tags, resources, next,
                progress, message, result, error, attempt, maxAttempts, leaseSeconds, leaseExpiresAt, retryType,
                createdAt, attemptCreatedAt, startedAt, finishedAt, updatedAt, metrics);
    }

    RunRow started(Instant at, Instant leaseUntil, Integer leaseSecondsOverride) {
        return new RunRow(id, tenantId, jobId, executor, owner, ownerName, project, args, priority, tags, resources,
                RunStatus.RUNNING, progress, message, result, error, attempt, maxAttempts,
                leaseSecondsOverride == null ? leaseSeconds : leaseSecondsOverride, leaseUntil, retryType, createdAt,
                attemptCreatedAt, startedAt == null ? at : startedAt, finishedAt, updatedAt, metrics);
    }

    RunRow leased(RunStatus next, Instant leaseUntil) {
        return new RunRow(id, tenantId, jobId, executor, owner, ownerName, project, args, priority, tags, resources, next,
                progress, message, result, error, attempt, maxAttempts, leaseSeconds, leaseUntil, retryType,
                createdAt, attemptCreatedAt, startedAt, finishedAt, updatedAt, metrics);
    }

    RunRow progressed(double newProgress, String newMessage, JsonNode newMetrics) {
        return new RunRow(id, tenantId, jobId, executor, owner, ownerName, project, args, priority, tags, resources,
                status, newProgress, newMessage == null ? message : newMessage, result, error, attempt, maxAttempts,
                leaseSeconds, leaseExpiresAt, retryType, createdAt, attemptCreatedAt, startedAt, finishedAt, updatedAt,
                newMetrics);
    }

    RunRow finished(RunStatus terminal, JsonNode newResult, JsonNode newError, Instant at) {
        return new RunRow(id, tenantId, jobId, executor, owner, ownerName, project, args, priority, tags, resources,
                terminal, terminal == RunStatus.COMPLETED ? 1.0 : progress, message, newResult, newError, attempt,
                maxAttempts, leaseSeconds, null, retryType, createdAt, attemptCreatedAt, startedAt, at, updatedAt, metrics);
    }

    RunRow nextAttempt(int newAttempt, String newRetryType, Instant at) {
        return new RunRow(id, tenantId, jobId, executor, owner, ownerName, project, args, priority, tags, resources,
                RunStatus.PENDING, 0, null, null, null, newAttempt, maxAttempts, leaseSeconds, null, newRetryType,
                createdAt, at, null, null, updatedAt, metrics);
    }

    RunRow withTags(List<String> newTags) {
        return new RunRow(id, tenantId, jobId, executor, owner, ownerName, project, args, priority, newTags, resources,
                status, progress, message, result, error, attempt, maxAttempts, leaseSeconds, leaseExpiresAt, retryType,
                createdAt, attemptCreatedAt, startedAt, finishedAt, updatedAt, metrics);
    }
}
