package io.github.safetyspaces.core.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a chat-completions endpoint, bound to 127.0.0.1 on an ephemeral port. Its work is
 * bounded: it answers at most {@value #MAX_REQUESTS} requests (later ones get 503), a handler's delay
 * is cut to {@value #MAX_DELAY_MS} ms, and it stops by itself after {@value #LIFETIME_SECONDS} s if a
 * test does not close it first.
 */
final class LoopbackJudgeServer implements AutoCloseable {

    static final int MAX_REQUESTS = 200;
    static final long MAX_DELAY_MS = 3_000;
    static final long LIFETIME_SECONDS = 60;

    /** One received request. */
    record Request(int number, String method, String path, String authorization, String body) {
    }

    /** The reply to send, after an optional delay. */
    record Reply(int status, String body, Map<String, String> headers, long delayMs) {

        static Reply ok(String body) {
            return new Reply(200, body, Map.of(), 0);
        }

        static Reply chat(String content) {
            return ok(chatBody(content));
        }
    }

    /** Decides the reply to each request. */
    @FunctionalInterface
    interface Handler {
        Reply reply(Request request);
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final ScheduledExecutorService stopper;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();

    private LoopbackJudgeServer(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        workers = Executors.newFixedThreadPool(16, daemon("loopback-judge"));
        server.setExecutor(workers);
        server.createContext("/", exchange -> handle(exchange, handler));
        server.start();
        stopper = Executors.newSingleThreadScheduledExecutor(daemon("loopback-judge-stopper"));
        stopper.schedule(this::close, LIFETIME_SECONDS, TimeUnit.SECONDS);
    }

    static LoopbackJudgeServer start(Handler handler) throws IOException {
        return new LoopbackJudgeServer(handler);
    }

    /** Returns a chat-completions body whose first choice has this content. */
    static String chatBody(String content) {
        JsonObject message = new JsonObject();
        message.addProperty("role", "assistant");
        message.addProperty("content", content);
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        choice.add("message", message);
        JsonArray choices = new JsonArray();
        choices.add(choice);
        JsonObject body = new JsonObject();
        body.add("choices", choices);
        return body.toString();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    int requestCount() {
        return count.get();
    }

    int maxConcurrentRequests() {
        return maxActive.get();
    }

    private void handle(HttpExchange exchange, Handler handler) throws IOException {
        int now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
        try (exchange) {
            String body;
            try (InputStream input = exchange.getRequestBody()) {
                body = new String(input.readAllBytes(), StandardCharsets.UTF_8);
            }
            int number = count.incrementAndGet();
            Request request = new Request(number, exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body);
            requests.add(request);
            Reply reply = number > MAX_REQUESTS ? new Reply(503, "request limit reached", Map.of(), 0)
                    : handler.reply(request);
            if (reply.delayMs() > 0) {
                try {
                    Thread.sleep(Math.min(reply.delayMs(), MAX_DELAY_MS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream output = exchange.getResponseBody()) {
                    output.write(bytes);
                }
            }
        } catch (IOException e) {
            // The client gave up (a timeout test), so the reply has nowhere to go.
        } finally {
            active.decrementAndGet();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        stopper.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
