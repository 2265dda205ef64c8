package io.runstream.job.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live phase of one stream on a Netty HTTP/1.1 connection: the fan-out writes events straight to the channel,
 * on the channel's own event loop (one task per loop and hand-out, for all of its streams), as HTTP chunks encoded
 * once per event and shared by every stream that wants the event (a retained duplicate per write).
 *
 * <p>Why: through the response's Reactor pipeline each event cost every stream a signal through its operators, a
 * task handed to its event loop, and the HTTP encoder's three buffers and promise combiner per chunk; at 10,000
 * streams and 10 events/s each that was most of job-service's CPU, and the event loop worked through one hand-out's
 * tasks while the next queued up behind it (docs/benchmarks.md).
 *
 * <p>The response stays Reactor Netty's: its headers, the first comment, the replay, and the final event and last
 * chunk go through the response's writer. Two hand-overs keep the order on the wire:
 * <ul>
 *   <li>live batches wait here until everything that writer was given has been written to the socket
 *       ({@link #track}, {@link #replayEmitted}); the live writes start after it;</li>
 *   <li>the stream is closed on the event loop ({@link #closeOnLoop}) before its final event goes to that writer,
 *       so no live write can follow the final event or the last chunk.</li>
 * </ul>
 * Writes go out from the HTTP codec's context, below the codec: they are already chunk-framed. A connection with a
 * compressor, or one that is not HTTP/1.1 on Netty, keeps the Reactor path ({@link #of} answers null).
 */
final class LiveChannel {

    private static final Logger log = LoggerFactory.getLogger(LiveChannel.class);
    private static final byte[] HEARTBEAT = SseFrames.comment("heartbeat");

    private final Channel channel;
    private final ChannelHandlerContext belowCodec;
    private final Runnable overflowed;
    /** Set at registration, before the fan-out can hand this stream anything. */
    private StreamBuffers.Account account;
    /** Set by {@link #bind} before the replay starts, so before {@link #goLive}. */
    private Delivery delivery;
    private Runnable afterBatch;
    private volatile boolean closed;
    // the event loop's alone
    private boolean live;
    private List<List<StreamEvent>> waiting = new ArrayList<>();
    // the response writer's buffers not yet written; guarded by this
    private int inFlight;
    private boolean replayEmitted;
    private boolean handedOver;

    private LiveChannel(Channel channel, ChannelHandlerContext belowCodec, Runnable overflowed) {
        this.channel = channel;
        this.belowCodec = belowCodec;
        this.overflowed = overflowed;
    }

    /**
     * The response's channel, when it is Reactor Netty's HTTP/1.1 without a compressor; otherwise null.
     *
     * @param overflowed run (on the event loop) when the stream holds more unwritten bytes than it may: it must end
     *                   with {@code gap}
     */
    static LiveChannel of(ServerHttpResponse response, Runnable overflowed) {
        Object nativeResponse;
        try {
            nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        } catch (IllegalArgumentException notAServerResponse) {
            return null;
        }
        if (!(nativeResponse instanceof Connection connection)) {
            return null;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        ChannelHandlerContext codec = pipeline.context(NettyPipeline.HttpCodec);
        if (codec == null || pipeline.get(NettyPipeline.CompressionHandler) != null) {
            return null;
        }
        return new LiveChannel(connection.channel(), codec, overflowed);
    }

    EventLoop loop() {
        return channel.eventLoop();
    }

    void open(StreamBuffers.Account account) {
        this.account = account;
    }

    /** What the stream selects and frames, and what it does after each live batch (notice its run's end). */
    void bind(Delivery delivery, Runnable afterBatch) {
        this.delivery = delivery;
        this.afterBatch = afterBatch;
    }

    /** A buffer for the response's writer, counted until it is written (for the hand-over to the live phase). */
    DataBuffer track(DataBufferFactory buffers, List<byte[]> frames) {
        synchronized (this) {
            inFlight++;
        }
        return SseFrames.join(buffers, frames, this::written);
    }

    /** The replay is over: the live phase starts once the writer has written all it was given. */
    void replayEmitted() {
        synchronized (this) {
            replayEmitted = true;
        }
        maybeHandOver();
    }

    private void written() {
        synchronized (this) {
            inFlight--;
        }
        maybeHandOver();
    }

    private void maybeHandOver() {
        synchronized (this) {
            if (!replayEmitted || inFlight > 0 || handedOver) {
                return;
            }
            handedOver = true;
        }
        run(this::goLive);
    }

    /** On the event loop: the batches handed out during the replay go out, and from now on every batch at once. */
    private void goLive() {
        if (closed || live) {
            return;
        }
        live = true;
        List<List<StreamEvent>> batches = waiting;
        waiting = null;
        for (List<StreamEvent> batch : batches) {
            write(batch, StreamDispatcher.bytesOf(batch), null);
        }
    }

    /** On the event loop: a batch of the fan-out, with the hand-out's chunks of the event stream. */
    void deliver(List<StreamEvent> batch, LoopFrames shared) {
        if (closed) {
            return;
        }
        int bytes = StreamDispatcher.bytesOf(batch);
        if (!account.take(bytes)) {
            closed = true;
            waiting = null;
            overflowed.run();
        } else if (!live) {
            waiting.add(batch);
        } else {
            write(batch, bytes, shared);
        }
    }

    /** The batch's bytes count against the stream until the socket took them (or the connection failed). */
    private void write(List<StreamEvent> batch, int bytes, LoopFrames shared) {
        List<StreamEvent> selected = delivery.select(batch);
        if (selected.isEmpty() || !channel.isActive()) {
            account.release(bytes);
        } else {
            ByteBuf chunks;
            if (shared != null && delivery.writesSharedFrames() && selected.size() == batch.size()) {
                // the whole batch, as the event stream frames it: one buffer shared with every stream given this batch
                chunks = shared.whole(batch).retainedDuplicate();
            } else if (selected.size() == 1) {
                chunks = chunkOf(selected.get(0), shared);
            } else {
                CompositeByteBuf composite = channel.alloc().compositeDirectBuffer(selected.size());
                for (StreamEvent event : selected) {
                    composite.addComponent(true, chunkOf(event, shared));
                }
                chunks = composite;
            }
            belowCodec.writeAndFlush(chunks, belowCodec.newPromise().addListener(done -> account.release(bytes)));
        }
        afterBatch.run();
    }

    private ByteBuf chunkOf(StreamEvent event, LoopFrames shared) {
        ByteBuf chunk = shared != null && delivery.writesSharedFrames() ? shared.chunks.get(event) : null;
        return chunk != null ? chunk.retainedDuplicate() : SseFrames.chunk(channel.alloc(), delivery.frameOf(event));
    }

    /** On the event loop: a comment, so that proxies and clients see the idle stream is alive. */
    void heartbeat() {
        if (!closed && live && channel.isActive()) {
            belowCodec.writeAndFlush(SseFrames.chunk(channel.alloc(), HEARTBEAT), belowCodec.newPromise());
        }
    }

    /** No more writes from the fan-out; tasks already queued on the event loop skip this stream. */
    void close() {
        closed = true;
    }

    /** Completes once the stream is closed on its event loop: every live write is then behind it. */
    Mono<Void> closeOnLoop() {
        return Mono.create(sink -> run(() -> {
            closed = true;
            waiting = null;
            sink.success();
        }));
    }

    private void run(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException stopping) {
            closed = true; // the server is shutting down: nothing more will be written
        }
    }

    /** One stream's part of a hand-out. */
    record Handout(LiveChannel channel, List<StreamEvent> batch) {
    }

    /**
     * Hands a page of events to the live channels: one task per event loop, each writing to all of its streams. Each
     * event is chunk-framed once, into a direct buffer every stream writes a duplicate of (each loop joins a whole
     * batch's chunks once more, {@link LoopFrames}); the page's reference to those is released when the last loop is
     * done.
     */
    static void handOut(List<StreamEvent> page, Map<EventLoop, List<Handout>> byLoop) {
        Map<StreamEvent, ByteBuf> chunks = new IdentityHashMap<>(page.size() * 2);
        for (StreamEvent event : page) {
            chunks.put(event, SseFrames.chunk(ByteBufAllocator.DEFAULT, event.frame()));
        }
        AtomicInteger loopsLeft = new AtomicInteger(byLoop.size());
        Runnable loopDone = () -> {
            if (loopsLeft.decrementAndGet() == 0) {
                chunks.values().forEach(ByteBuf::release);
            }
        };
        byLoop.forEach((loop, handouts) -> {
            try {
                loop.execute(() -> {
                    LoopFrames frames = new LoopFrames(chunks);
                    try {
                        for (Handout handout : handouts) {
                            handout.channel().deliverSafely(handout.batch(), frames);
                        }
                    } finally {
                        frames.release();
                        loopDone.run();
                    }
                });
            } catch (RejectedExecutionException stopping) {
                loopDone.run();
            }
        });
    }

    /**
     * One event loop's buffers for a hand-out: every event's chunk (shared by the loops), and each batch's chunks
     * joined into one buffer the first time a stream writes that whole batch. The fan-out gives every stream that
     * wants the same events the same list, so at 10,000 streams with one filter this is one buffer, and each stream
     * writes a single duplicate of it: one {@code send} of one buffer, where a composite of a duplicate per event was
     * a {@code writev} with an entry per event (docs/benchmarks.md, tenth sitting).
     */
    static final class LoopFrames {

        private final Map<StreamEvent, ByteBuf> chunks;
        private final Map<List<StreamEvent>, ByteBuf> wholeBatches = new IdentityHashMap<>();

        LoopFrames(Map<StreamEvent, ByteBuf> chunks) {
            this.chunks = chunks;
        }

        ByteBuf whole(List<StreamEvent> batch) {
            if (batch.size() == 1) {
                return chunks.get(batch.get(0));
            }
            return wholeBatches.computeIfAbsent(batch, this::join);
        }

        private ByteBuf join(List<StreamEvent> batch) {
            int size = 0;
            for (StreamEvent event : batch) {
                size += chunks.get(event).readableBytes();
            }
            ByteBuf joined = ByteBufAllocator.DEFAULT.directBuffer(size);
            for (StreamEvent event : batch) {
                ByteBuf chunk = chunks.get(event);
                joined.writeBytes(chunk, chunk.readerIndex(), chunk.readableBytes());
            }
            return joined;
        }

        /** The loop's own references; the writes hold theirs until the socket took the bytes. */
        void release() {
            wholeBatches.values().forEach(ByteBuf::release);
        }
    }

    /** Heartbeats: one task per event loop. */
    static void heartbeat(Map<EventLoop, List<LiveChannel>> byLoop) {
        byLoop.forEach((loop, channels) -> {
            try {
                loop.execute(() -> channels.forEach(LiveChannel::heartbeat));
            } catch (RejectedExecutionException stopping) {
                // shutting down: the streams end with it
            }
        });
    }

    /** One stream's failure must not cost the others on its loop their events. */
    private void deliverSafely(List<StreamEvent> batch, LoopFrames shared) {
        try {
            deliver(batch, shared);
        } catch (RuntimeException e) {
            log.warn("a live stream failed and is closed: {}", e.toString());
            closed = true;
            channel.close();
        }
    }
}
