package dev.brain.hook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The command Claude Code runs for each hook event. Whatever happens it reads all of stdin,
 * prints nothing on stdout (SessionStart's stdout would reach the model) and exits 0 (2 would
 * block the action, anything else shows an error to the user).
 */
public final class Main {
    static final String VERSION = "0.1.0";
    private static final int MAX_STDIN = 16 << 20;

    private Main() {
    }

    public static void main(String[] args) {
        // Not ProcessHandle's start instant: it derives from the boot time in whole seconds, up to 1 s off.
        long started = System.currentTimeMillis();
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            if (args.length > 0 && args[0].equals("--cds-training")) {
                ClassDataTraining.run(started);
            } else {
                run(readAll(System.in), Settings.from(System::getenv), started);
            }
        } catch (Throwable t) {
            Debug.log("failed, ignored: " + t);
        }
        System.exit(0);
    }

    static void run(String stdin, Settings settings, long started) throws IOException {
        if (!settings.enabled()) {
            Debug.log("BRAIN_API_KEY is not set; nothing recorded");
            return;
        }
        HookInput in = HookInput.parse(stdin);
        HookEventHandler handler = new HookEventHandler(settings, started);
        try {
            handler.handle(in);
        } finally {
            String event = in.event() == null ? "" : in.event();
            handler.finish(switch (event) {
                case "SessionEnd" -> settings.endBudget();
                case "SessionStart" -> settings.startBudget();
                default -> Duration.ZERO;
            });
        }
    }

    // Everything is read, so Claude Code never blocks on a full pipe; beyond 16 MiB it is discarded.
    private static String readAll(InputStream in) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[65536];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (kept.size() < MAX_STDIN) {
                    kept.write(buffer, 0, Math.min(n, MAX_STDIN - kept.size()));
                }
            }
        } catch (IOException e) {
            Debug.log("stdin: " + e);
        }
        return kept.toString(StandardCharsets.UTF_8);
    }
}
