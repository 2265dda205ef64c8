package io.runstream.job.stream;

import io.runstream.platform.event.EventTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What one stream has delivered: it drops what it already wrote (the replay and the live feed overlap at the
 * registration position), and notices its run's end. Batches reach it one after another — the replay's, then the
 * live ones (on the connection's event loop, or as the Reactor path's serialised signals) — so plain fields
 * suffice; {@code delivered} is read for the final event after the last batch.
 */
final class Delivery {

    private final StreamService.Kind kind;
    private final StreamFilter filter;
    private final Instant since;
    private final Predicate<StreamEvent> shown;
    private volatile long delivered;
    private volatile boolean replayDone;
    private volatile boolean finishedSeen;
    private boolean endScheduled;

    Delivery(StreamService.Kind kind, StreamFilter filter, long start, Instant since, Predicate<StreamEvent> shown,
             boolean alreadyEnded) {
        this.kind = kind;
        this.filter = filter;
        this.delivered = start;
        this.since = since;
        this.shown = shown;
        this.finishedSeen = alreadyEnded;
    }

    /** The events of a batch the stream writes, in order; every newer event counts as delivered, written or not. */
    List<StreamEvent> select(List<StreamEvent> batch) {
        List<StreamEvent> selected = new ArrayList<>(batch.size());
        for (StreamEvent event : batch) {
            if (event.pos() <= delivered) {
                continue;
            }
            delivered = event.pos();
            if (filter.runId() != null && EventTypes.RUN_FINISHED.equals(event.type())) {
                finishedSeen = true;
            }
            if ((kind == StreamService.Kind.EVENTS || event.isLog())
                    && (since == null || !event.time().isBefore(since))
                    && (shown == null || shown.test(event))) {
                selected.add(event);
            }
        }
        return selected;
    }

    List<byte[]> frames(List<StreamEvent> batch) {
        List<StreamEvent> selected = select(batch);
        List<byte[]> frames = new ArrayList<>(selected.size());
        for (StreamEvent event : selected) {
            frames.add(frameOf(event));
        }
        return frames;
    }

    /** True when this stream writes events as their shared frame ({@link StreamEvent#frame()}): the event stream. */
    boolean writesSharedFrames() {
        return kind == StreamService.Kind.EVENTS;
    }

    byte[] frameOf(StreamEvent event) {
        return kind == StreamService.Kind.LOGS ? SseFrames.event(event.pos(), "log", event.dataJson()) : event.frame();
    }

    long delivered() {
        return delivered;
    }

    void replayDone() {
        replayDone = true;
    }

    /** True once: when the run's end was delivered and the replay is over. */
    synchronized boolean endsNow() {
        if (replayDone && finishedSeen && !endScheduled) {
            endScheduled = true;
            return true;
        }
        return false;
    }
}
