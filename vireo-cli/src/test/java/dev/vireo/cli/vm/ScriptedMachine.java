package dev.vireo.cli.vm;

import dev.vireo.vmm.GuestMachine;
import dev.vireo.vmm.GuestMachineFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test double for the machine inside a real VMM process: a "guest" with a line console.
 * It answers {@code poweroff} by stopping cleanly, {@code crash} by failing, anything else by
 * echoing it; it shuts down when asked unless its {@code --append} says {@code ignore-shutdown}
 * (asked, never answers) or {@code deaf} (cannot be asked: no power-button driver).
 * Selected in VMM processes with {@code -Dvireo.vmm.machine=scripted}.
 */
public final class ScriptedMachine implements GuestMachine {
    public static final class Factory implements GuestMachineFactory {
        @Override
        public String name() { return "scripted"; }

        @Override
        public GuestMachine create(String name, List<String> runArguments) {
            int append = runArguments.indexOf("--append");
            String line = append >= 0 ? runArguments.get(append + 1) : "";
            if (line.contains("fail-build")) throw new IllegalArgumentException("the kernel is not a RISC-V Image (scripted failure)");
            return new ScriptedMachine(line.contains("ignore-shutdown"), line.contains("deaf"));
        }
    }

    private final boolean ignoreShutdown;
    private final CompletableFuture<Exit> exit = new CompletableFuture<>();
    private final StringBuilder line = new StringBuilder();
    private final AtomicLong inputBytes = new AtomicLong();
    private volatile OutputStream console;
    private volatile boolean paused;

    private final boolean deaf;

    ScriptedMachine(boolean ignoreShutdown, boolean deaf) {
        this.ignoreShutdown = ignoreShutdown;
        this.deaf = deaf;
    }

    @Override
    public void start(OutputStream console) {
        this.console = console;
        say("scripted guest booted\r\n# ");
    }

    @Override
    public void pause() { paused = true; }

    @Override
    public void resume() { paused = false; }

    @Override
    public boolean requestShutdown() {
        if (deaf) return false;
        if (ignoreShutdown) return true;
        say("shutting down\r\n");
        exit.complete(new Exit(true, "guest shut down on request"));
        return true;
    }

    @Override
    public void powerOff() { exit.complete(new Exit(true, "powered off")); }

    @Override
    public void reset() { say("rebooting\r\nscripted guest booted\r\n# "); }

    @Override
    public synchronized void consoleInput(byte[] bytes, int offset, int length) {
        inputBytes.addAndGet(length);
        for (int i = offset; i < offset + length; i++) {
            char c = (char) (bytes[i] & 0xff);
            if (c != '\r' && c != '\n') {
                line.append(c);
                continue;
            }
            String command = line.toString().strip();
            line.setLength(0);
            switch (command) {
                case "" -> say("# ");
                case "poweroff" -> {
                    say("reboot: Power down\r\n");
                    exit.complete(new Exit(true, "guest powered off"));
                }
                case "crash" -> exit.complete(new Exit(false, "guest crashed (scripted)"));
                default -> say("you said: " + command + "\r\n# ");
            }
        }
    }

    @Override
    public Exit awaitExit() throws InterruptedException {
        try {
            return exit.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return new Exit(false, e.getCause().toString());
        }
    }

    @Override
    public Map<String, Object> stats() { return Map.of("paused", paused, "consoleInputBytes", inputBytes.get()); }

    private void say(String text) {
        try {
            console.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
