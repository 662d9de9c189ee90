package dev.brain.cluster;

import dev.brain.support.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The processes of the cluster test: brain jars, nginx from Debian's package, SDK agents; every one stopped at close. */
final class Processes implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Path work;
    private final List<Process> started = new ArrayList<>();

    Processes(Path work) throws IOException {
        this.work = Files.createDirectories(work.toAbsolutePath());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** `java -jar target/brain.jar serve` on `port`, logging to work/brain-<name>.log. */
    Process brain(String name, int port, Map<String, String> env) throws Exception {
        var pb = new ProcessBuilder("java", "-jar", Path.of("target/brain.jar").toAbsolutePath().toString(), "serve");
        pb.environment().putAll(env);
        pb.environment().put("BRAIN_PORT", String.valueOf(port));
        pb.environment().put("BRAIN_HOST", "127.0.0.1");
        pb.environment().put("HOSTNAME", "brain-" + name);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("brain-" + name + ".log").toFile()));
        Process p = start(pb);
        // A loaded machine starts a JVM slowly (minutes at load 30 on 2 cores): late is not wrong.
        Await.until(Duration.ofSeconds(600), "brain " + name + " is ready", () -> status("http://127.0.0.1:" + port + "/readyz") == 200);
        return p;
    }

    /** deploy/nginx.conf with its upstream pointed at `brainPorts` and listening on `port`; started in the foreground. */
    Process nginx(String name, int port, List<Integer> brainPorts) throws Exception {
        String conf = Files.readString(Path.of("deploy/nginx.conf"));
        var servers = new StringBuilder();
        for (int p : brainPorts) {
            servers.append("        server 127.0.0.1:").append(p).append(" max_fails=1 fail_timeout=5s;\n");
        }
        conf = conf.replaceAll("(?m)^ *server brain[0-9]+:8080[^\\n]*\\n", "")
                .replace("keepalive 64;", "keepalive 64;\n" + servers)
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";");
        Path file = work.resolve("nginx-" + name + ".conf");
        Files.writeString(file, conf);
        String globals = "daemon off; pid " + work.resolve("nginx-" + name + ".pid") + "; error_log " + work.resolve("nginx-" + name + ".log") + " warn;";
        var test = new ProcessBuilder("nginx", "-t", "-c", file.toString(), "-g", globals).redirectErrorStream(true).start();
        String out = new String(test.getInputStream().readAllBytes());
        if (test.waitFor() != 0) {
            throw new AssertionError("nginx -t refused " + file + ": " + out);
        }
        Process p = start(new ProcessBuilder("nginx", "-c", file.toString(), "-g", globals).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("nginx-" + name + ".out").toFile())));
        Await.until(Duration.ofSeconds(300), "nginx " + name + " proxies /readyz", () -> status("http://127.0.0.1:" + port + "/readyz") == 200);
        return p;
    }

    /** scripts/cluster/ClusterAgent.java under the source launcher, with the SDK jar on the class path. */
    Process agent(String name, String endpoint, String key, int seconds, int sessionsPerSecond) throws Exception {
        Path spool = Files.createDirectories(work.resolve("spool-" + name));
        var pb = new ProcessBuilder("java", "-cp", sdkJar().toString(), Path.of("scripts/cluster/ClusterAgent.java").toAbsolutePath().toString(),
                endpoint, key, String.valueOf(seconds), String.valueOf(sessionsPerSecond), spool.toString());
        pb.redirectOutput(work.resolve("agent-" + name + ".out").toFile()).redirectError(work.resolve("agent-" + name + ".err").toFile());
        return start(pb);
    }

    private static Path sdkJar() throws IOException {
        try (Stream<Path> jars = Files.list(Path.of("sdk/java/target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("brain-sdk(-[0-9.]+(-SNAPSHOT)?)?\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no sdk/java/target/brain-sdk-*.jar: run make test-cluster (it builds it)"))
                    .toAbsolutePath();
        }
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    /** CPU time the processes have used so far, in seconds. */
    static double cpuSeconds(List<Process> processes) {
        return processes.stream().mapToDouble(p -> p.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() {
        synchronized (started) {
            for (Process p : started) {
                p.destroy();
            }
            for (Process p : started) {
                try {
                    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
