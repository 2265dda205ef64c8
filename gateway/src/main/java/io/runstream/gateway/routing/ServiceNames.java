package io.runstream.gateway.routing;

/** Route ids in application.yml start with the service's short name ({@code job-events} → {@code job-service}). */
final class ServiceNames {

    private ServiceNames() {
    }

    static String ofRoute(String routeId) {
        int dash = routeId.indexOf('-');
        return (dash < 0 ? routeId : routeId.substring(0, dash)) + "-service";
    }
}
