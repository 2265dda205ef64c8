package io.runstream.platform.test;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound for every test JVM that has platform-test on its classpath: a blocking call
 * on a Reactor non-blocking thread (the event loop, the parallel scheduler) fails loudly.
 * Allowances cover known, bounded blocking inside libraries we do not own.
 */
public class BlockHoundInstaller implements TestExecutionListener {

    private static volatile boolean installed;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        install();
    }

    public static synchronized void install() {
        if (installed || Boolean.getBoolean("runstream.test.blockhound.disabled")) {
            return;
        }
        // install(...) loads the integrations on the classpath (Reactor's marks its non-blocking threads; Spring's,
        // Netty's allow their known internals); a bare builder() would not, and would detect nothing
        BlockHound.install(builder -> builder
                // SecureRandom (UUIDs, multipart boundaries, secrets) mixes in bytes read from /dev/urandom, which never
                // blocks on Linux once the kernel is seeded; allowing the read itself covers every caller
                .allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes")
                .allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "ensureBufferValid")
                .allowBlockingCallsInside("java.util.UUID", "randomUUID")
                // class loading and logging configuration read jars and files once
                .allowBlockingCallsInside("java.lang.ClassLoader", "loadClass")
                .allowBlockingCallsInside("ch.qos.logback.classic.Logger", "callAppenders")
                .allowBlockingCallsInside("org.slf4j.LoggerFactory", "getLogger")
                // Netty 4.2's adaptive allocator takes a short internal StampedLock when a magazine grows or is freed;
                // under load BlockHound sees the park (first seen in the gateway's tests)
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator", "allocate")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Chunk", "release")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Chunk", "deallocate")
                // Hibernate Validator reads its message bundles from the jar on the first violation
                .allowBlockingCallsInside("org.hibernate.validator.resourceloading.PlatformResourceBundleLocator", "loadBundle")
                // Jackson builds a type's deserializer once, under a short cache lock; two threads reaching a new type
                // together park on it (seen on a freshly started job-service projecting its first runs)
                .allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache", "_createAndCacheValueDeserializer")
                // Micrometer/OTel tracing registers spans under a short lock
                .allowBlockingCallsInside("io.opentelemetry.sdk.trace.SdkSpan", "end"));
        installed = true;
    }
}
