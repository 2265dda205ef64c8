package io.runstream.job.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Live streams with gap-free resume: a subscriber registers with the fan-out first, replays what it missed
 * from the database up to the fan-out's position, then continues live — every event once, in order.
 */
@Service
public class StreamService implements ApplicationListener<ContextClosedEvent> {

    private static final byte[] OPENED = SseFrames.comment("stream open");
    private static final List<byte[]> HEARTBEAT_FRAMES = List.of(SseFrames.comment("heartbeat"));

    private final StreamDispatcher dispatcher;
    private final StreamLog streamLog;
    private final Runs runs;
    private final JobProperties.Stream properties;
    private final JsonMapper json;
    private final Map<String, AtomicInteger> openPerUser = new ConcurrentHashMap<>();
    private final AtomicInteger openOnReplica = new AtomicInteger();
    private final int capacity;
    private final Sinks.Empty<Void> shutdown = Sinks.empty();

    StreamService(StreamDispatcher dispatcher, StreamLog streamLog, Runs runs, JobProperties properties,
                  EventCodec codec, MeterRegistry meters) {
        this.dispatcher = dispatcher;
        // streams are not in http.server.requests (StreamEndpoints): this is how many are open on the replica
        Gauge.builder("runstream.job.streams.open", openOnReplica, AtomicInteger::get)
                .description("SSE streams open on this replica (events and log follow)").register(meters);
        Gauge.builder("runstream.job.streams.buffered", dispatcher, StreamDispatcher::bufferedBytes).baseUnit("bytes")
                .description("Bytes of live events handed to this replica's streams and not yet written to their connections")
                .register(meters);
        this.streamLog = streamLog;
        this.runs = runs;
        this.properties = properties.stream();
        this.capacity = this.properties.streamCapacity();
        this.json = codec.mapper();
    }

    /** How a stream names its events: {@code run.*} for the run-event stream, {@code log} for log follow. */
    public enum Kind { EVENTS, LOGS }

    /**
     * Opens a stream for the caller's tenant as SSE frames, one buffer per batch of events. {@code lastEventId}
     * resumes after that position; without it an event stream starts now and a log stream from the run's first
     * line ({@code fromOffset} to skip). {@code shown} narrows what is written (e.g. log levels) without
     * changing what counts as delivered.
     */
    public Flux<DataBuffer> open(Caller caller, Kind kind, StreamFilter filter, String lastEventId, Long fromOffset,
                                 Instant since, Predicate<StreamEvent> shown, ServerHttpResponse response) {
        return Flux.defer(() -> {
            Long last = parseCursor(lastEventId);
            Mono<RunView> run = filter.runId() == null ? Mono.empty() : runs.get(caller.tenant(), filter.runId());
            return run.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                    .flatMapMany(snapshot -> checkCursor(last, snapshot.orElse(null))
                            .thenMany(Flux.defer(() -> stream(caller, kind, filter, last, fromOffset, since, shown,
                                    response, snapshot.orElse(null)))));
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

    private Flux<DataBuffer> stream(Caller caller, Kind kind, StreamFilter filter, Long last, Long fromOffset,
                                    Instant since, Predicate<StreamEvent> shown, ServerHttpResponse response,
                                    RunView snapshot) {
        String user = caller.userId() == null ? "?" : caller.userId();
        AtomicInteger open = openPerUser.computeIfAbsent(user, key -> new AtomicInteger());
        if (open.incrementAndGet() > properties.maxStreamsPerUser()) {
            open.decrementAndGet();
            return Flux.error(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-streams", "Too Many Streams",
                    "At most " + properties.maxStreamsPerUser() + " streams may be open per user"));
        }
        // the caller is within their own limit but this replica is full: another replica (or a moment later) has room
        if (openOnReplica.incrementAndGet() > capacity) {
            openOnReplica.decrementAndGet();
            open.decrementAndGet();
            return Flux.error(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "stream-capacity", "Stream Capacity Reached",
                    "This service holds its maximum of " + capacity + " open streams; try again shortly"));
        }
        DataBufferFactory buffers = response.bufferFactory();
        AtomicReference<String> ending = new AtomicReference<>();
        Sinks.Empty<Void> overflowed = Sinks.empty();
        // on a Netty HTTP/1.1 connection the fan-out writes the live events itself; elsewhere they come through a sink
        LiveChannel channel = LiveChannel.of(response, () -> {
            ending.compareAndSet(null, "slow_consumer");
            overflowed.tryEmitEmpty();
        });
        Predicate<StreamEvent> wants = event -> filter.matches(event) || (kind == Kind.LOGS && isEndOf(event, filter));
        StreamDispatcher.Registration registration = channel == null ? dispatcher.register(caller.tenant(), wants)
                : dispatcher.register(caller.tenant(), wants, channel);
        long start = last != null ? last
                : kind == Kind.LOGS ? (fromOffset == null ? 0 : fromOffset) : registration.position();
        Delivery delivery = new Delivery(kind, filter, start, since, shown,
                snapshot != null && snapshot.status().isTerminal());
        Sinks.Empty<Void> runEnded = Sinks.empty();
        Runnable maybeEnd = () -> {
            // a run's stream ends once its run.finished was delivered and the replay is over, after a
            // short grace for log lines that travel on their own topic
            if (delivery.endsNow()) {
                ending.compareAndSet(null, "run_finished");
                Mono.delay(properties.endGrace()).subscribe(tick -> runEnded.tryEmitEmpty());
            }
        };
        Flux<List<StreamEvent>> replay = replay(caller.tenant(), kind, filter, start, registration.position())
                .doOnComplete(() -> {
                    delivery.replayDone();
                    maybeEnd.run();
                });
        Mono<Void> ends = Mono.firstWithSignal(runEnded.asMono(), overflowed.asMono(),
                shutdown.asMono().doOnTerminate(() -> ending.compareAndSet(null, "shutdown")));
        // both paths begin with a comment, which commits the response headers at once: clients know the stream is open
        Flux<DataBuffer> written;
        if (channel != null) {
            channel.bind(delivery, maybeEnd);
            // the writer's part is the opening comment and the replay; the live events follow from the fan-out
            written = Flux.concat(Mono.fromSupplier(() -> channel.track(buffers, List.of(OPENED))),
                    replay.map(delivery::frames).filter(frames -> !frames.isEmpty())
                            .map(frames -> channel.track(buffers, frames)),
                    Mono.<DataBuffer>empty().doOnSuccess(nothing -> channel.replayEmitted()),
                    Flux.<DataBuffer>never());
            ends = ends.then(channel.closeOnLoop());
        } else {
            written = Flux.concat(Mono.fromSupplier(() -> buffers.wrap(OPENED)), reactorPath(buffers, delivery,
                    maybeEnd, replay, registration));
        }
        return written
                .takeUntilOther(ends)
                .onErrorResume(StreamDispatcher.SubscriberOverflow.class, overflow -> {
                    ending.set("slow_consumer");
                    return Mono.empty();
                })
                .concatWith(Mono.fromSupplier(() -> finalEvent(buffers, ending.get(), filter, delivery.delivered())))
                .doFinally(signal -> {
                    registration.cancel().run();
                    open.decrementAndGet();
                    openOnReplica.decrementAndGet();
                });
    }

    /**
     * Replay and live batches through the response's writer, where {@link LiveChannel} cannot write: live events
     * count against the subscriber's buffer until their frames are written (or none are).
     */
    private Flux<DataBuffer> reactorPath(DataBufferFactory buffers, Delivery delivery, Runnable maybeEnd,
                                         Flux<List<StreamEvent>> replay, StreamDispatcher.Registration registration) {
        // map and filter, not mapNotNull: that is a handle, which restores the request's thread locals (its
        // observation and tracing scope) for every batch of every stream, most of the fan-out's CPU at 5,000 streams
        // heartbeats come from the fan-out as an empty batch to every stream (one timer, not one per stream)
        Function<List<StreamEvent>, List<byte[]>> framesOf = batch -> {
            if (batch == StreamDispatcher.HEARTBEAT) {
                return HEARTBEAT_FRAMES;
            }
            List<byte[]> frames = delivery.frames(batch);
            maybeEnd.run();
            return frames;
        };
        return Flux.concat(replay.map(batch -> new Pending(framesOf.apply(batch), 0)),
                        registration.live().map(batch -> new Pending(framesOf.apply(batch), StreamDispatcher.bytesOf(batch))))
                .filter(pending -> {
                    if (pending.frames().isEmpty()) {
                        registration.written().accept(pending.liveBytes());
                        return false;
                    }
                    return true;
                })
                .map(pending -> SseFrames.join(buffers, pending.frames(),
                        () -> registration.written().accept(pending.liveBytes())));
    }

    /** A batch's frames, and how many bytes of live events (from the fan-out, not the replay) they stand for. */
    private record Pending(List<byte[]> frames, int liveBytes) {
    }

    /** {@code gap} for a stream that fell behind, {@code end} for one that ended otherwise, none for a cancelled one. */
    private DataBuffer finalEvent(DataBufferFactory buffers, String ending, StreamFilter filter, long delivered) {
        if (ending == null) {
            return null;
        }
        if ("slow_consumer".equals(ending)) {
            return control(buffers, "gap", Map.of("reason", "slow_consumer", "last_event_id", String.valueOf(delivered),
                    "detail", "the client did not keep up; reconnect with Last-Event-ID to resume"));
        }
        return control(buffers, "end", endData(ending, filter, delivered));
    }

    private static boolean isEndOf(StreamEvent event, StreamFilter filter) {
        return filter.runId() != null && filter.runId().equals(event.runId()) && EventTypes.RUN_FINISHED.equals(event.type());
    }

    /** The missed events up to the registration position, a page (one batch) at a time. */
    private Flux<List<StreamEvent>> replay(String tenant, Kind kind, StreamFilter filter, long from, long upTo) {
        StreamFilter query = kind == Kind.LOGS
                ? new StreamFilter(filter.runId(), null, java.util.Set.of(), null, null) : filter;
        AtomicLong cursor = new AtomicLong(from);
        int page = properties.replayPage();
        return Flux.defer(() -> streamLog.replay(tenant, query, cursor.get(), upTo, page).collectList())
                .repeat()
                .takeUntil(list -> list.size() < page)
                .map(list -> {
                    if (!list.isEmpty()) {
                        cursor.set(list.get(list.size() - 1).pos());
                    }
                    return list.stream()
                            .filter(event -> filter.matches(event) || (kind == Kind.LOGS && isEndOf(event, filter)))
                            .toList();
                });
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

    private DataBuffer control(DataBufferFactory buffers, String name, Map<String, Object> data) {
        return buffers.wrap(SseFrames.control(name, json.writeValueAsString(data)));
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
