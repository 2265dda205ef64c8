package io.runstream.job.stream;

import io.netty.channel.EventLoop;
import io.runstream.job.config.JobProperties;
import io.runstream.platform.event.EventEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Each replica's fan-out: it learns where the stream's head is — from this replica's sequencer at once,
 * from every replica's sequencer through {@code stream.advanced} announcements (its own consumer group, so
 * it reads all of them), and from a periodic look at the database — reads the events up to the head in
 * position order, and hands them to the subscribers that want them, a page at a time as one batch per
 * subscriber: one dense, ordered, duplicate-free sequence. A subscriber that holds too many unwritten bytes
 * ({@link StreamBuffers}) is dropped with an overflow signal instead of growing memory or slowing others.
 *
 * <p>Its reads run on its own catch-up thread (they may block on the database), a short linger after a new
 * head is heard so that events committed close together go out as one batch, and serialised by one lock;
 * deliveries, heartbeats and registrations share a second, in-memory-only lock.
 */
@Component
class StreamDispatcher implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(StreamDispatcher.class);
    private static final Duration DB_WAIT = Duration.ofSeconds(30);
    /**
     * Handed to every subscriber each {@code heartbeat} interval, by identity: the stream writes a comment for it.
     * One timer here instead of an interval and a merge per stream (thousands of streams per replica).
     */
    static final List<StreamEvent> HEARTBEAT = java.util.Collections.unmodifiableList(new ArrayList<>());

    private final StreamLog streamLog;
    private final StreamSequencer sequencer;
    private final JobProperties.Stream properties;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService catchUp = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "stream-catch-up");
        thread.setDaemon(true);
        return thread;
    });
    /** Its own thread: the catch-up thread may wait up to DB_WAIT on the database, heartbeats must not. */
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "stream-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    private final java.util.concurrent.locks.ReentrantLock advancing = new java.util.concurrent.locks.ReentrantLock();
    private final Object delivery = new Object();
    private volatile long position;
    private final AtomicLong heardHead = new AtomicLong();
    private final AtomicBoolean fillScheduled = new AtomicBoolean();
    private final StreamBuffers buffers;

    StreamDispatcher(StreamLog streamLog, StreamSequencer sequencer, JobProperties properties) {
        this.streamLog = streamLog;
        this.sequencer = sequencer;
        this.properties = properties.stream();
        this.buffers = new StreamBuffers(this.properties.subscriberBufferSize().toBytes(),
                this.properties.bufferBudgetBytes(), subscribers::size);
        // the sequencer reports on a database thread: the reads happen on the catch-up thread instead
        sequencer.onHead(this::heard);
    }

    /**
     * A new head was reported. The read and the hand-out follow after the linger, together with every head
     * reported meanwhile: at thousands of streams each hand-out costs a write and a flush per stream, and the
     * events of one run (started, output, finished) are committed milliseconds apart. The linger grows with the
     * number of streams, which keeps the hand-outs' CPU bounded (at 10,000 streams: 100 ms, -20 % CPU per event).
     */
    private void heard(long head) {
        heardHead.accumulateAndGet(head, Math::max);
        if (fillScheduled.compareAndSet(false, true)) {
            catchUp.schedule(() -> {
                fillScheduled.set(false);
                reach(heardHead.get());
            }, properties.fanOutLinger(subscribers.size()).toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        Long head = streamLog.head().block(DB_WAIT);
        advanceTo(head == null ? 0 : head);
        long every = properties.catchUpInterval().toMillis();
        catchUp.scheduleWithFixedDelay(this::catchUp, every, every, TimeUnit.MILLISECONDS);
        long heartbeat = properties.heartbeat().toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    }

    /** Under the delivery lock, like every hand-out of events: a subscriber's sink is never fed by two threads at once. */
    private void heartbeat() {
        synchronized (delivery) {
            Map<EventLoop, List<LiveChannel>> byLoop = new HashMap<>();
            for (Subscriber subscriber : subscribers) {
                if (subscriber.channel != null) {
                    byLoop.computeIfAbsent(subscriber.channel.loop(), loop -> new ArrayList<>()).add(subscriber.channel);
                } else if (subscriber.sink.tryEmitNext(HEARTBEAT).isFailure()) {
                    drop(subscriber);
                }
            }
            LiveChannel.heartbeat(byLoop);
        }
    }

    @Override
    public void destroy() {
        catchUp.shutdownNow();
        heartbeats.shutdownNow();
    }

    @KafkaListener(id = "stream-fan-out", groupId = "job-stream-#{T(java.util.UUID).randomUUID()}",
            topics = "#{@streamTopic.name()}", properties = "auto.offset.reset=latest")
    void on(EventEnvelope announcement) {
        if (StreamSequencer.STREAM_ADVANCED.equals(announcement.type())) {
            heard(announcement.data().path("head").asLong());
        }
    }

    /** Delivers every event up to {@code head}; a head already reached (a late or repeated report) is a no-op. */
    private void reach(long head) {
        advancing.lock();
        try {
            if (head > position) {
                fill(head);
            }
        } catch (RuntimeException e) {
            log.warn("stream fan-out could not read up to {}, the catch-up will retry: {}", head, e.toString());
        } finally {
            advancing.unlock();
        }
    }

    /**
     * The safety net: events whose announcement is late or lost (Kafka down, a fresh consumer) still arrive,
     * and events that a crashed replica stored but never had numbered get their positions.
     */
    private void catchUp() {
        sequencer.nudge();
        try {
            Long head = streamLog.head().block(DB_WAIT);
            if (head != null) {
                reach(head);
            }
        } catch (RuntimeException e) {
            log.warn("stream catch-up failed, will retry: {}", e.toString());
        }
    }

    /**
     * Delivers committed events up to {@code upTo} from the database. It reads without holding the delivery
     * lock: request threads take that lock to register, and they must never wait for database I/O (an event
     * loop waiting on it could be the very thread that has to complete the read).
     */
    private void fill(long upTo) {
        while (position < upTo) {
            if (nobodyListens(upTo)) {
                return;
            }
            List<StreamEvent> page = streamLog.range(position, upTo, 1000).collectList().block(DB_WAIT);
            if (page == null || page.isEmpty()) {
                advanceTo(upTo);
                return;
            }
            deliverAll(page);
            if (page.size() < 1000) {
                advanceTo(upTo); // positions missing in between belong to deleted runs
            }
        }
    }

    /**
     * With no stream open there is nobody to read for: the position moves to the head at once. Under the delivery
     * lock, so a stream that registers now starts there and replays anything before it from the database, as it
     * would anyway (under a run-submission load with no stream open, every event was read back for nobody).
     */
    private boolean nobodyListens(long upTo) {
        synchronized (delivery) {
            if (!subscribers.isEmpty()) {
                return false;
            }
            position = Math.max(position, upTo);
            return true;
        }
    }

    private void advanceTo(long upTo) {
        synchronized (delivery) {
            position = Math.max(position, upTo);
        }
    }

    /**
     * Hands a page of events to the subscribers: each gets the events it wants as one batch (one write and one
     * flush per stream instead of one per event). Streams on a Netty connection get theirs from one task per event
     * loop ({@link LiveChannel}); the others through their Reactor sink.
     */
    private void deliverAll(List<StreamEvent> events) {
        synchronized (delivery) {
            Map<EventLoop, List<LiveChannel.Handout>> byLoop = null;
            // subscribers that want the same events of the page get the same list: the live channels then write
            // one buffer per distinct batch instead of joining the events' chunks for every stream
            Map<BitSet, List<StreamEvent>> distinct = new HashMap<>();
            for (Subscriber subscriber : subscribers) {
                BitSet picked = null;
                for (int i = 0; i < events.size(); i++) {
                    StreamEvent event = events.get(i);
                    if (subscriber.tenant.equals(event.tenant()) && subscriber.wants.test(event)) {
                        if (picked == null) {
                            picked = new BitSet(events.size());
                        }
                        picked.set(i);
                    }
                }
                if (picked == null) {
                    continue;
                }
                List<StreamEvent> batch = distinct.computeIfAbsent(picked,
                        indices -> indices.stream().mapToObj(events::get).toList());
                if (subscriber.channel == null) {
                    offer(subscriber, batch);
                } else {
                    if (byLoop == null) {
                        byLoop = new HashMap<>();
                    }
                    byLoop.computeIfAbsent(subscriber.channel.loop(), loop -> new ArrayList<>())
                            .add(new LiveChannel.Handout(subscriber.channel, batch));
                }
            }
            if (byLoop != null) {
                LiveChannel.handOut(events, byLoop);
            }
            position = events.get(events.size() - 1).pos();
        }
    }

    private void offer(Subscriber subscriber, List<StreamEvent> batch) {
        int bytes = bytesOf(batch);
        if (!subscriber.buffer.take(bytes)) {
            drop(subscriber);
            subscriber.sink.tryEmitError(new SubscriberOverflow());
        } else if (subscriber.sink.tryEmitNext(batch).isFailure()) {
            drop(subscriber);
        }
    }

    /** What a batch of live events counts against its stream's buffer: the bytes of their frames. */
    static int bytesOf(List<StreamEvent> batch) {
        int bytes = 0;
        for (StreamEvent event : batch) {
            bytes += event.frame().length;
        }
        return bytes;
    }

    private void drop(Subscriber subscriber) {
        subscribers.remove(subscriber);
        subscriber.buffer.close();
        if (subscriber.channel != null) {
            subscriber.channel.close();
        }
    }

    /**
     * Registers a subscriber: from now on it receives every matching event after the returned position,
     * which it must replay up to from the database itself. Holds only the in-memory delivery lock.
     */
    Registration register(String tenant, Predicate<StreamEvent> wants) {
        // a queue that grows in small chunks, bounded by the subscriber's byte account (StreamBuffers): an idle stream
        // costs a few hundred bytes instead of a preallocated array of slots (thousands of streams per replica)
        Sinks.Many<List<StreamEvent>> sink = Sinks.many().unicast()
                .onBackpressureBuffer(Queues.<List<StreamEvent>>unbounded(16).get());
        Subscriber subscriber = new Subscriber(tenant, wants, sink, buffers.open(), null);
        long at = add(subscriber);
        Flux<List<StreamEvent>> live = sink.asFlux().doFinally(signal -> drop(subscriber));
        return new Registration(at, live, () -> drop(subscriber), subscriber.buffer::release);
    }

    /**
     * Registers a subscriber whose live events the fan-out writes to its channel itself; like {@link #register},
     * the subscriber replays up to the returned position, and then {@link LiveChannel} takes over.
     */
    Registration register(String tenant, Predicate<StreamEvent> wants, LiveChannel channel) {
        Subscriber subscriber = new Subscriber(tenant, wants, null, buffers.open(), channel);
        channel.open(subscriber.buffer);
        return new Registration(add(subscriber), Flux.never(), () -> drop(subscriber), subscriber.buffer::release);
    }

    /** Adds the subscriber to the hand-outs and answers the position it joins at. */
    private long add(Subscriber subscriber) {
        synchronized (delivery) {
            subscribers.add(subscriber);
            return position;
        }
    }

    /** Streams whose live events the fan-out writes to their connection itself ({@link LiveChannel}). */
    int liveChannelCount() {
        return (int) subscribers.stream().filter(subscriber -> subscriber.channel != null).count();
    }

    int subscriberCount() {
        return subscribers.size();
    }

    /** Bytes of live events handed to this replica's streams and not yet written. */
    long bufferedBytes() {
        return buffers.total();
    }

    /**
     * @param written to be told how many bytes of live events ({@link #bytesOf}) are done with — written to the
     *                connection, or dropped unwritten: until then they count against the subscriber's buffer,
     *                wherever they wait (its queue, the response writer's prefetch, the connection's outbound buffer)
     */
    record Registration(long position, Flux<List<StreamEvent>> live, Runnable cancel, IntConsumer written) {
    }

    static final class SubscriberOverflow extends RuntimeException {
        SubscriberOverflow() {
            super("subscriber too slow", null, false, false);
        }
    }

    private static final class Subscriber {
        final String tenant;
        final Predicate<StreamEvent> wants;
        /** The Reactor path's queue, or null when the fan-out writes to the {@code channel} itself. */
        final Sinks.Many<List<StreamEvent>> sink;
        /** Bytes handed to the stream and not yet written to its connection. */
        final StreamBuffers.Account buffer;
        final LiveChannel channel;

        Subscriber(String tenant, Predicate<StreamEvent> wants, Sinks.Many<List<StreamEvent>> sink,
                   StreamBuffers.Account buffer, LiveChannel channel) {
            this.tenant = tenant;
            this.wants = wants;
            this.sink = sink;
            this.buffer = buffer;
            this.channel = channel;
        }
    }
}
