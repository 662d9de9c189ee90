package dev.brain.hook;

import dev.brain.sdk.e2e.RealBrain;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs the packaged hook jar as Claude Code would: a new process per event, the payload on stdin. */
final class HookRunner {
    /** The JVM options of the documented command (hooks/settings.json), archive included. */
    static final List<String> JVM_OPTIONS = List.of("-Xshare:auto", "-Xlog:disable", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    record Result(int exit, String stdout, String stderr, long millis) {
    }

    private final Map<String, String> env = new HashMap<>();
    private final Set<String> unset = new HashSet<>();
    private final List<String> prefix = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();

    HookRunner(Map<String, String> env) {
        this.env.putAll(env);
    }

    static Path jar() {
        Path jar = Paths.get(System.getProperty("hook.jar", "target/brain-hook.jar"));
        if (!Files.isRegularFile(jar)) {
            if (System.getenv("CI") != null) {
                fail("no " + jar + ": run mvn verify, which packages it before the integration tests");
            }
            assumeTrue(false, "no " + jar);
        }
        return jar.toAbsolutePath();
    }

    static Path archive() {
        return Paths.get(System.getProperty("hook.jsa", "target/brain-hook.jsa")).toAbsolutePath();
    }

    /** The documented command, as one argument list, with {@code extra} JVM options before {@code -jar}. */
    static List<String> command(List<String> extra) {
        List<String> c = new ArrayList<>(List.of(RealBrain.javaBin(), "-XX:SharedArchiveFile=" + archive()));
        c.addAll(JVM_OPTIONS);
        c.addAll(extra);
        c.addAll(List.of("-jar", jar().toString()));
        return c;
    }

    /** Runs the hook through another program first (e.g. {@code timeout 30}), which then plays Claude Code's part. */
    HookRunner via(String... wrapper) {
        prefix.clear();
        prefix.addAll(List.of(wrapper));
        return this;
    }

    HookRunner env(String name, String value) {
        env.put(name, value);
        unset.remove(name);
        return this;
    }

    /** Keeps {@code name} out of the hook's environment, even if this JVM's own has it. */
    HookRunner unset(String name) {
        env.remove(name);
        unset.add(name);
        return this;
    }

    /** A JVM option for the hook's process, e.g. {@code -Duser.home=...}. */
    HookRunner jvm(String option) {
        jvmOptions.add(option);
        return this;
    }

    Result run(String stdin) throws IOException, InterruptedException {
        return run(stdin.getBytes(StandardCharsets.UTF_8));
    }

    Result run(byte[] stdin) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(command(jvmOptions));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("BRAIN_") || unset.contains(k));
        pb.environment().putAll(env);
        Path out = Files.createTempFile("hook", ".out");
        Path err = Files.createTempFile("hook", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long began = System.nanoTime();
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException closedEarly) {
            fail("the hook closed stdin before reading all of it: " + closedEarly);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            fail("the hook did not exit within 60 s");
        }
        long millis = (System.nanoTime() - began) / 1_000_000;
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err), millis);
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
