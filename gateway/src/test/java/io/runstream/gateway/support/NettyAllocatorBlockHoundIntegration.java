package io.runstream.gateway.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Netty 4.2's adaptive buffer allocator takes a short StampedLock when it grows or frees a magazine;
 * under load BlockHound sees the park and fails the event loop (seen in the gateway tests on a busy
 * machine). It is bounded, internal bookkeeping, like the allowances platform-test already makes.
 * Loaded by BlockHound's ServiceLoader when platform-test installs it.
 */
public class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator", "allocate")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Chunk", "release")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Chunk", "deallocate");
    }
}
