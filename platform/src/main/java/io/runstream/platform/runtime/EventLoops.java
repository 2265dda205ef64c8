package io.runstream.platform.runtime;

/**
 * How many event loops Reactor Netty runs: half the cores, at least one, instead of its max(4, cores).
 * Call first thing in {@code main}, before any Reactor Netty class loads; {@code -Dreactor.netty.ioWorkerCount}
 * wins.
 *
 * <p>A request hops between loops: the client's connection belongs to one, a pooled connection it uses (the
 * gateway's to a service, a service's R2DBC connection to PostgreSQL — Reactor Netty's TCP loops, counted by the
 * same property) to whichever opened it, and each hop is a task hand-off and a wake-up. With fewer loops fewer
 * requests hop and fewer threads contend for the cores. Measured on two cores (docs/benchmarks.md, eighth
 * sitting): one loop cost the gateway 10 % less CPU per proxied request than two, and job-service 18 % less per
 * {@code GET /api/v1/jobs} than four (0.34–0.35 against 0.42–0.43 ms), with the same 10,000-stream SSE fan-out.
 */
public final class EventLoops {

    static final String PROPERTY = "reactor.netty.ioWorkerCount";

    private EventLoops() {
    }

    public static void halfTheCores() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, String.valueOf(forCores(Runtime.getRuntime().availableProcessors())));
        }
    }

    static int forCores(int cores) {
        return Math.max(1, cores / 2);
    }
}
