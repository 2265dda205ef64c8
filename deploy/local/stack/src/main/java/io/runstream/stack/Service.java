package io.runstream.stack;

/**
 * The six services of the stack, in start order, with their port offset from the base port
 * (gateway 8080, auth 8081, ... inference 8085 by default).
 */
public enum Service {
    AUTH("auth-service", 1, "runstream_auth", "AUTH"),
    JOB("job-service", 2, "runstream_job", "JOB"),
    DATASET("dataset-service", 3, "runstream_dataset", "DATASET"),
    TRAINING("training-service", 4, "runstream_training", "TRAINING"),
    INFERENCE("inference-service", 5, "runstream_inference", "INFERENCE"),
    GATEWAY("gateway", 0, null, null);

    private final String module;
    private final int portOffset;
    private final String database;
    private final String gatewayKey;

    Service(String module, int portOffset, String database, String gatewayKey) {
        this.module = module;
        this.portOffset = portOffset;
        this.database = database;
        this.gatewayKey = gatewayKey;
    }

    /** Maven module name, which is also the jar name and spring.application.name. */
    public String module() {
        return module;
    }

    public int port(int basePort) {
        return basePort + portOffset;
    }

    /** The service's own database, or null for the gateway (it has none). */
    public String database() {
        return database;
    }

    /** The environment key through which other services find this one, e.g. RUNSTREAM_DATASET_URL. */
    public String urlVariable() {
        return "RUNSTREAM_" + name() + "_URL";
    }

    /** The gateway's environment key for this service's base URL, e.g. RUNSTREAM_GATEWAY_SERVICES_AUTH. */
    public String gatewayTargetVariable() {
        return gatewayKey == null ? null : "RUNSTREAM_GATEWAY_SERVICES_" + gatewayKey;
    }
}
