package io.runstream.job.stream;

import io.runstream.job.config.JobProperties;
import io.runstream.job.run.RunView;
import io.runstream.job.run.Runs;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live streams with gap-free resume: a subscriber registers with the fan-out first, replays what it missed
 * from the database up to the fan-out's position, then continues live — every event once, in order.
 */
@Service
public class StreamService implements ApplicationListener<ContextClosedEvent> {

    private final StreamDispatcher dispatcher;
    private final StreamLog streamLog;
    private final Runs runs;
    private final JobProperties.Stream properties;
    private final JsonMapper json;
    private final Map<String, AtomicInteger> openPerUser = new ConcurrentHashMap<>();
    private final Sinks.Empty<Void> shutdown = Sinks.empty();

    StreamService(StreamDispatcher dispatcher, StreamLog streamLog, Runs runs, JobProperties properties,
                  EventCodec codec) {
        this.dispatcher = dispatcher;
        this.streamLog = streamLog;
        this.runs = runs;
        this.properties = properties.stream();
        this.json = codec.mapper();
    }

    /** How a stream names its events: {@code run.*} for the run-event stream, {@code log} for log follow. */
    public enum Kind { EVENTS, LOGS }

    /**
     * Opens a stream for the caller's tenant. {@code lastEventId} resumes after that position; without it
     * an event stream starts now and a log stream from the run's first line ({@code fromOffset} to skip).
     */
    public Flux<ServerSentEvent<String>> open(Caller caller, Kind kind, StreamFilter filter, String lastEventId,
                                              Long fromOffset, Instant since) {
        return Flux.defer(() -> {
            Long last = parseCursor(lastEventId);
            Mono<RunView> run = filter.runId() == null ? Mono.empty() : runs.get(caller.tenant(), filter.runId());
            return run.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                    .flatMapMany(snapshot -> checkCursor(last, snapshot.orElse(null))
                            .thenMany(Flux.defer(() -> stream(caller, kind, filter, last, fromOffset, since,
                                    snapshot.orElse(null)))));
        });
    }

    private Mono<Void> checkCursor(Long last, RunView snapshot) {
        if (last == null) {
            return Mono.empty();
        }
        return streamLog.purgedBelow().flatMap(purgedBelow -> {
            if (last + 1 < purgedBelow) {
                var gone = Problems.of(HttpStatus.GONE, "cursor-expired", "Cursor Expired",
                        "Events after " + last + " are no longer kept; start again from the current state");
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("oldest_event_id", purgedBelow);
                if (snapshot != null) {
                    extra.put("run", snapshot);
                }
                return Mono.error(Problems.with(gone, extra));
            }
            return Mono.empty();
        });
    }

    private Flux<ServerSentEvent<String>> stream(Caller caller, Kind kind, StreamFilter filter, Long last,
                                                 Long fromOffset, Instant since, RunView snapshot) {
        String user = caller.userId() == null ? "?" : caller.userId();
        AtomicInteger open = openPerUser.computeIfAbsent(user, key -> new AtomicInteger());
        if (open.incrementAndGet() > properties.maxStreamsPerUser()) {
            open.decrementAndGet();
            return Flux.error(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-streams", "Too Many Streams",
                    "At most " + properties.maxStreamsPerUser() + " streams may be open per user"));
        }
        StreamDispatcher.Registration registration = dispatcher.register(caller.tenant(),
                event -> filter.matches(event) || (kind == Kind.LOGS && isEndOf(event, filter)));
        long start = last != null ? last
                : kind == Kind.LOGS ? (fromOffset == null ? 0 : fromOffset) : registration.position();
        AtomicLong delivered = new AtomicLong(start);
        AtomicReference<String> ending = new AtomicReference<>();
        Sinks.Empty<Void> runEnded = Sinks.empty();
        Sinks.Empty<Void> done = Sinks.empty();

        boolean alreadyEnded = snapshot != null && snapshot.status().isTerminal();
        java.util.concurrent.atomic.AtomicBoolean replayDone = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean finishedSeen = new java.util.concurrent.atomic.AtomicBoolean(alreadyEnded);
        java.util.concurrent.atomic.AtomicBoolean endScheduled = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable maybeEnd = () -> {
            // a run's stream ends once its run.finished was delivered and the replay is over, after a
            // short grace for log lines that travel on their own topic
            if (replayDone.get() && finishedSeen.get() && endScheduled.compareAndSet(false, true)) {
                ending.compareAndSet(null, "run_finished");
                Mono.delay(properties.endGrace()).subscribe(tick -> runEnded.tryEmitEmpty());
            }
        };
        Flux<StreamEvent> replay = replay(caller.tenant(), kind, filter, start, registration.position())
                .doOnComplete(() -> {
                    replayDone.set(true);
                    maybeEnd.run();
                });
        Flux<StreamEvent> live = registration.live().filter(event -> event.pos() > start);
        Flux<StreamEvent> events = Flux.concat(replay, live)
                .filter(event -> event.pos() > delivered.get())
                .doOnNext(event -> {
                    delivered.set(event.pos());
                    if (filter.runId() != null && EventTypes.RUN_FINISHED.equals(event.type())) {
                        finishedSeen.set(true);
                        maybeEnd.run();
                    }
                });
        Flux<ServerSentEvent<String>> main = events
                .filter(event -> kind == Kind.EVENTS || event.isLog())
                .filter(event -> since == null || !event.time().isBefore(since))
                .map(event -> toSse(kind, event))
                .takeUntilOther(runEnded.asMono())
                .takeUntilOther(shutdown.asMono().doOnTerminate(() -> ending.compareAndSet(null, "shutdown")))
                .onErrorResume(StreamDispatcher.SubscriberOverflow.class, overflow -> {
                    ending.set("slow_consumer");
                    return Flux.just(control("gap", Map.of("reason", "slow_consumer",
                            "last_event_id", String.valueOf(delivered.get()),
                            "detail", "the client did not keep up; reconnect with Last-Event-ID to resume")));
                })
                .concatWith(Mono.fromSupplier(() -> ending.get() == null || "slow_consumer".equals(ending.get()) ? null
                        : control("end", endData(ending.get(), filter, delivered.get()))))
                .doFinally(signal -> {
                    registration.cancel().run();
                    open.decrementAndGet();
                    done.tryEmitEmpty();
                });
        Flux<ServerSentEvent<String>> heartbeats = Flux.interval(properties.heartbeat())
                .map(tick -> ServerSentEvent.<String>builder().comment("heartbeat").build())
                .takeUntilOther(done.asMono());
        // a first comment commits the response headers at once, so clients know the stream is open
        return Flux.concat(Flux.just(ServerSentEvent.<String>builder().comment("stream open").build()),
                Flux.merge(main, heartbeats));
    }

    private static boolean isEndOf(StreamEvent event, StreamFilter filter) {
        return filter.runId() != null && filter.runId().equals(event.runId()) && EventTypes.RUN_FINISHED.equals(event.type());
    }

    private Flux<StreamEvent> replay(String tenant, Kind kind, StreamFilter filter, long from, long upTo) {
        StreamFilter query = kind == Kind.LOGS
                ? new StreamFilter(filter.runId(), null, java.util.Set.of(), null, null) : filter;
        AtomicLong cursor = new AtomicLong(from);
        int page = properties.replayPage();
        return Flux.defer(() -> streamLog.replay(tenant, query, cursor.get(), upTo, page).collectList())
                .repeat()
                .takeUntil(list -> list.size() < page)
                .concatMap(list -> {
                    if (!list.isEmpty()) {
                        cursor.set(list.get(list.size() - 1).pos());
                    }
                    return Flux.fromIterable(list);
                })
                .filter(event -> filter.matches(event) || (kind == Kind.LOGS && isEndOf(event, filter)));
    }

    private Map<String, Object> endData(String reason, StreamFilter filter, long lastEventId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason);
        if (filter.runId() != null) {
            data.put("run_id", filter.runId());
        }
        data.put("last_event_id", String.valueOf(lastEventId));
        return data;
    }

    private ServerSentEvent<String> toSse(Kind kind, StreamEvent event) {
        String name = kind == Kind.LOGS ? "log" : event.type();
        return ServerSentEvent.builder(event.dataJson()).id(Long.toString(event.pos())).event(name).build();
    }

    private ServerSentEvent<String> control(String name, Map<String, Object> data) {
        return ServerSentEvent.builder(json.writeValueAsString(data)).event(name).build();
    }

    private static Long parseCursor(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        try {
            long value = Long.parseLong(lastEventId.trim());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw Problems.invalidFields("Invalid event id", List.of(new Problems.FieldError("Last-Event-ID",
                    "must be the id of an event this service sent")));
        }
    }

    /** Open streams end with a final event when the service stops, instead of holding graceful shutdown. */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        shutdown.tryEmitEmpty();
    }

    public int openStreams() {
        return dispatcher.subscriberCount();
    }
}
