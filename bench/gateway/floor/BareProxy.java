import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The floor under the gateway's overhead on a machine: a reverse proxy on bare Reactor Netty — the gateway's own
 * transport, one event loop as the gateway runs it on two cores, pooled keep-alive connections to the service —
 * with nothing else: no Spring, no token check, no rate limit, no metrics, no tracing, no header policy.
 * What the gateway costs above this is its features and its frameworks (bench/gateway/floor/run.sh).
 *
 *   java -cp REACTOR_NETTY_CLASSPATH BareProxy.java PORT UPSTREAM_BASE_URL
 */
public class BareProxy {

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        LoopResources loop = LoopResources.create("bare-proxy", 1, true);
        HttpClient service = HttpClient.create(ConnectionProvider.create("service", 64)).runOn(loop).baseUrl(args[1]);
        DisposableServer server = HttpServer.create().port(port).runOn(loop)
                .handle((request, response) -> service
                        .headers(headers -> headers.set(request.requestHeaders()).remove(HttpHeaderNames.HOST))
                        .request(request.method())
                        .uri(request.uri())
                        .send(request.receive().retain())
                        .response((answer, body) -> {
                            response.status(answer.status()).headers(answer.responseHeaders());
                            return response.send(body.retain());
                        })
                        .then())
                .bindNow();
        System.out.println("bare proxy on :" + port + " -> " + args[1]);
        server.onDispose().block();
    }
}
