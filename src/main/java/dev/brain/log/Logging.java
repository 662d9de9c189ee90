package dev.brain.log;

/** What the command line tells the JSON logger before the first logger exists. */
public final class Logging {
    private static volatile boolean commandLine;

    private Logging() {
    }

    /** Admin and migrate commands: libraries speak from error, so a command's output is its answer. */
    public static void forCommandLine() {
        commandLine = true;
    }

    static boolean commandLine() {
        return commandLine;
    }
}
