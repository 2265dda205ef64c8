package io.runstream.job.stream;

import io.r2dbc.spi.Readable;
import io.runstream.job.support.Sql;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.transaction.AfterCommit;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.List;

/**
 * The durable stream in PostgreSQL ({@code run_event}). Appending writes the event without a position;
 * {@link StreamSequencer} numbers it after its transaction commits, in a way that never lets a later
 * position become visible before an earlier one, so readers that ask for "pos > last" never skip an event.
 * Every read here only sees numbered events.
 */
@Component
public class StreamLog implements StreamAppender {

    private final DatabaseClient db;
    private final JsonMapper json;
    private final StreamSequencer sequencer;

    StreamLog(DatabaseClient db, EventCodec codec, StreamSequencer sequencer) {
        this.db = db;
        this.json = codec.mapper();
        this.sequencer = sequencer;
    }

    @Override
    public Mono<Void> append(String eventId, String tenant, String runId, String jobId, String type, Instant time,
                             Integer attempt, String level, JsonNode data) {
        var spec = db.sql("""
                        insert into run_event (event_id, tenant_id, run_id, job_id, type, time, attempt, level, data)
                        values (:eventId, :tenant, :runId, :jobId, :type, :time, :attempt, :level, :data)""")
                .bind("eventId", eventId).bind("tenant", tenant).bind("runId", runId)
                .bind("type", type).bind("time", time);
        spec = Sql.bind(spec, "jobId", jobId, String.class);
        spec = Sql.bind(spec, "attempt", attempt, Integer.class);
        spec = Sql.bind(spec, "level", level, String.class);
        spec = Sql.bindJson(spec, "data", data, json);
        return spec.then().then(AfterCommit.run(sequencer::nudge)); // numbered once this transaction commits
    }

    /** Every tenant's events in (after, upTo], oldest first: what the fan-out catches up with. */
    Flux<StreamEvent> range(long after, long upTo, int limit) {
        return db.sql("select * from run_event where pos > :after and pos <= :upTo order by pos limit :limit")
                .bind("after", after).bind("upTo", upTo).bind("limit", limit)
                .map(this::map).all();
    }

    /** One page of a subscriber's replay: its tenant's events in (after, upTo] that the filter may want. */
    Flux<StreamEvent> replay(String tenant, StreamFilter filter, long after, long upTo, int limit) {
        var spec = db.sql("""
                        select * from run_event where tenant_id = :tenant and pos > :after and pos <= :upTo
                          and (cast(:runId as text) is null or run_id = :runId)
                          and (cast(:jobId as text) is null or job_id = :jobId)
                          and (cast(:types as text[]) is null or type = any(:types))
                        order by pos limit :limit""")
                .bind("tenant", tenant).bind("after", after).bind("upTo", upTo).bind("limit", limit);
        spec = Sql.bind(spec, "runId", filter.runId(), String.class);
        spec = Sql.bind(spec, "jobId", filter.jobId(), String.class);
        spec = Sql.bind(spec, "types", filter.types() == null || filter.types().isEmpty() ? null
                : filter.types().toArray(String[]::new), String[].class);
        return spec.map(this::map).all();
    }

    /** A run's log lines after {@code after}, optionally since a time and only some levels. */
    Flux<StreamEvent> logs(String tenant, String runId, long after, Instant since, List<String> levels, int limit) {
        var spec = db.sql("""
                        select * from run_event where tenant_id = :tenant and run_id = :runId and pos > :after
                          and type in ('run.output', 'step.output')
                          and (cast(:since as timestamptz) is null or time >= :since)
                          and (cast(:levels as text[]) is null or level = any(:levels))
                        order by pos limit :limit""")
                .bind("tenant", tenant).bind("runId", runId).bind("after", after).bind("limit", limit);
        spec = Sql.bind(spec, "since", since, Instant.class);
        spec = Sql.bind(spec, "levels", levels == null || levels.isEmpty() ? null : levels.toArray(String[]::new),
                String[].class);
        return spec.map(this::map).all();
    }

    Mono<Long> head() {
        return db.sql("select pos from stream_counter where id = 1").map(row -> row.get("pos", Long.class)).one();
    }

    /** Positions below this are gone (retention); a cursor that needs them answers 410. */
    Mono<Long> purgedBelow() {
        return db.sql("select purged_below from stream_retention where id = 1")
                .map(row -> row.get("purged_below", Long.class)).one();
    }

    /** Drops events older than {@code cutoff} and remembers the first position still kept. */
    Mono<Long> purgeBefore(Instant cutoff) {
        return db.sql("""
                        with gone as (delete from run_event where time < :cutoff returning pos)
                        update stream_retention set purged_below = greatest(purged_below,
                            (select coalesce(max(pos), 0) + 1 from gone)) where id = 1
                        returning purged_below""")
                .bind("cutoff", cutoff)
                .map(row -> row.get("purged_below", Long.class)).one();
    }

    public Mono<Void> deleteRun(String tenant, String runId) {
        return db.sql("delete from run_event where tenant_id = :tenant and run_id = :runId")
                .bind("tenant", tenant).bind("runId", runId).then();
    }

    private StreamEvent map(Readable row) {
        JsonNode data = Sql.json(row, "data", json);
        // serialised once here, not once per subscriber: the fan-out hands the same event to thousands of streams
        return new StreamEvent(row.get("pos", Long.class), row.get("event_id", String.class),
                row.get("tenant_id", String.class), row.get("run_id", String.class), row.get("job_id", String.class),
                row.get("type", String.class), Sql.instant(row, "time"), row.get("attempt", Integer.class),
                row.get("level", String.class), data, data == null ? "null" : json.writeValueAsString(data));
    }
}
